import type { ActivationResult } from './activationBench';
import type { LoomViewResult } from './loomViewBench';
import type { ParallelResult, ParallelSetup } from './parallelBench';
import type { InHostSamplingResult, SamplingSetup } from './samplingBench';
import type { StreamingResult } from './streamingBench';
import type { TokenShadingResult } from './tokenShadingBench';

/** What the in-host benchmarks measure at which sizes; passed to the host as JSON in the environment. */
export interface InHostPlan {
  /**
   * A fake server outside the extension host, with the fill responder and the fill text model behind
   * its OpenAI-style routes (test/server/fillResponder.ts) and BENCH_API_KEY: in the host's own event loop, its writes would compete with what is measured.
   */
  serverUrl: string;
  streamingTokens: number;
  streamingRuns: number;
  parallel: ParallelSetup;
  viewSizes: readonly number[];
  viewRuns: number;
  /** Whether the harness presses keys in the view (only the code-server harness can). */
  viewKeys: boolean;
  /** Recorded tokens in the shaded document, and how many times it is shaded. */
  shadingTokens: number;
  shadingRuns: number;
  /** Measure the shading alone (the other figures are left out of the answer). */
  shadingOnly?: boolean;
  /** Sample Distribution… through the command, against the SDK alone. */
  sampling: SamplingSetup;
  /** Measure only the sampling figure (`npm run bench -- --sampling`): about five minutes, most of them the paced runs. */
  samplingOnly?: boolean;
}

/** What they measured, written by the host as JSON to the file the harness named. */
export interface InHostFigures {
  activation: ActivationResult;
  streaming: StreamingResult;
  /** The same through a completions endpoint (the server's OpenAI-style route), against the `openai` package alone. */
  completionsStreaming: StreamingResult;
  parallel: ParallelResult[];
  loomView: LoomViewResult[];
  tokenShading: TokenShadingResult;
  sampling: InHostSamplingResult;
}

/** What a sampling-only run measures. */
export type InHostSamplingFigures = Pick<InHostFigures, 'sampling'>;

export const BENCH_API_KEY = 'sk-ant-bench-key';

/** Environment variables between the harness and the in-host entry. */
export const PLAN_VARIABLE = 'PREFILL_LOOM_BENCH_PLAN';
export const OUTPUT_VARIABLE = 'PREFILL_LOOM_BENCH_OUT';
