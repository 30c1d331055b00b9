import type { EndpointKind, PrefillStyle } from './endpointKind';

/**
 * A server a user may add as an endpoint, with what is known about it in advance; "Add Endpoint…"
 * asks only for the rest (name, model, the port of a local server, a key for a remote one).
 * Sources: /work/shared/providers.md and each server's documentation (see README, Endpoints).
 */
export interface EndpointPreset {
  /** The server's name, as the user knows it. */
  label: string;
  /** The kinds it serves; the first is the one offered first. */
  kinds: readonly Exclude<EndpointKind, 'anthropic'>[];
  baseUrl: string;
  /** How its chat route is told to continue the final assistant message. */
  prefillStyle: PrefillStyle;
  /** Whether it returns token probabilities when asked. */
  logprobs: boolean;
  /** A loopback server: no key, and the port may differ from the usual one. */
  local: boolean;
  /** The endpoint name offered by default. */
  suggestedName: string;
  /** Any other OpenAI-style server: its base URL, prefill style and probabilities are asked, and a key only when it is not on this machine. */
  custom?: boolean;
}

export const ENDPOINT_PRESETS: readonly EndpointPreset[] = [
  { label: 'vLLM', kinds: ['completions', 'chat'], baseUrl: 'http://127.0.0.1:8000/v1', prefillStyle: 'continue_final_message', logprobs: true, local: true, suggestedName: 'local-vllm' },
  { label: 'SGLang', kinds: ['completions', 'chat'], baseUrl: 'http://127.0.0.1:30000/v1', prefillStyle: 'continue_final_message', logprobs: true, local: true, suggestedName: 'local-sglang' },
  { label: 'llama.cpp server', kinds: ['completions', 'chat'], baseUrl: 'http://127.0.0.1:8080/v1', prefillStyle: 'plain', logprobs: true, local: true, suggestedName: 'local-llama' },
  { label: 'Ollama', kinds: ['completions', 'chat'], baseUrl: 'http://127.0.0.1:11434/v1', prefillStyle: 'plain', logprobs: false, local: true, suggestedName: 'local-ollama' },
  { label: 'LM Studio', kinds: ['completions', 'chat'], baseUrl: 'http://127.0.0.1:1234/v1', prefillStyle: 'plain', logprobs: false, local: true, suggestedName: 'local-lmstudio' },
  { label: 'OpenRouter', kinds: ['completions', 'chat'], baseUrl: 'https://openrouter.ai/api/v1', prefillStyle: 'plain', logprobs: true, local: false, suggestedName: 'openrouter' },
  { label: 'Together', kinds: ['completions', 'chat'], baseUrl: 'https://api.together.xyz/v1', prefillStyle: 'plain', logprobs: true, local: false, suggestedName: 'together' },
  { label: 'Fireworks', kinds: ['completions', 'chat'], baseUrl: 'https://api.fireworks.ai/inference/v1', prefillStyle: 'plain', logprobs: true, local: false, suggestedName: 'fireworks' },
  { label: 'Hyperbolic', kinds: ['completions', 'chat'], baseUrl: 'https://api.hyperbolic.xyz/v1', prefillStyle: 'plain', logprobs: true, local: false, suggestedName: 'hyperbolic' },
  { label: 'DeepSeek (beta)', kinds: ['chat', 'completions'], baseUrl: 'https://api.deepseek.com/beta', prefillStyle: 'prefix', logprobs: true, local: false, suggestedName: 'deepseek' },
  { label: 'Mistral', kinds: ['chat'], baseUrl: 'https://api.mistral.ai/v1', prefillStyle: 'prefix', logprobs: false, local: false, suggestedName: 'mistral' },
  { label: 'Qwen (DashScope)', kinds: ['chat'], baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', prefillStyle: 'partial', logprobs: false, local: false, suggestedName: 'qwen' },
  { label: 'Moonshot', kinds: ['chat'], baseUrl: 'https://api.moonshot.ai/v1', prefillStyle: 'partial', logprobs: false, local: false, suggestedName: 'moonshot' },
  { label: 'Groq', kinds: ['chat'], baseUrl: 'https://api.groq.com/openai/v1', prefillStyle: 'plain', logprobs: false, local: false, suggestedName: 'groq' },
  { label: 'Custom server', kinds: ['completions', 'chat'], baseUrl: '', prefillStyle: 'plain', logprobs: false, local: false, suggestedName: 'custom', custom: true },
];
