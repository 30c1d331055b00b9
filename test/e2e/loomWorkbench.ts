import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, type Workbench } from '../harness/workbench';
import { startFakeAnthropic, type FakeAnthropic } from '../server/fakeAnthropic';
import type { OpenAiOptions } from '../server/openai/openAiRoutes';
import type { Responder } from '../server/responder';

export const E2E_KEY = 'sk-ant-e2e-key';

/** A real workbench with the extension, pointed at a fresh wire-compatible server, over a workspace of `files`. */
export interface LoomWorkbench {
  server: FakeAnthropic;
  workbench: Workbench;
  workspace: string;
  close(): Promise<void>;
}

/** `settings` may depend on the server's URL (an OpenAI-style endpoint on it). */
export async function openLoomWorkbench(options: {
  files: Record<string, string>;
  settings: Record<string, unknown> | ((serverUrl: string) => Record<string, unknown>);
  env?: Record<string, string>;
  responder?: Responder;
  /** The OpenAI-style routes' settings, e.g. a `seed` so a test can compute the simulator's replies. */
  openAi?: OpenAiOptions;
}): Promise<LoomWorkbench> {
  const server = await startFakeAnthropic({ apiKey: E2E_KEY, responder: options.responder, openAi: options.openAi });
  const settings = typeof options.settings === 'function' ? options.settings(server.url) : options.settings;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pl-e2e-'));
  for (const [name, content] of Object.entries(options.files)) fs.writeFileSync(path.join(workspace, name), content);
  const close = async (): Promise<void> => {
    await workbench?.close();
    await server.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  };
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench({ workspace, env: options.env, settings: { 'prefillLoom.baseUrl': server.url, ...settings } });
  } catch (e) {
    await close();
    throw e;
  }
  return { server, workbench, workspace, close };
}
