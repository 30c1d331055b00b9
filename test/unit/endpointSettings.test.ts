import * as assert from 'node:assert/strict';
import {
  DEFAULT_TOP_LOGPROBS,
  isLocalEndpoint,
  resolveEndpoint,
  validateEndpoints,
  type EndpointSettings,
} from '../../src/core/providers/endpointSettings';

// `prefillLoom.endpoints` as VS Code hands it over: whatever the user typed in settings.json.

const ANTHROPIC: EndpointSettings = { name: 'Anthropic', kind: 'anthropic', baseUrl: 'https://gateway.example', prefillStyle: 'plain' };

/** The one problem a single entry gives, and that it was left out. */
function problemOf(entry: unknown): string {
  const { endpoints, problems } = validateEndpoints([entry], ANTHROPIC.baseUrl);
  assert.deepEqual(endpoints, [ANTHROPIC], 'an entry with a problem is left out');
  assert.equal(problems.length, 1, problems.join('\n'));
  return problems[0];
}

function accepted(entry: unknown): EndpointSettings {
  const { endpoints, problems } = validateEndpoints([entry], ANTHROPIC.baseUrl);
  assert.deepEqual(problems, []);
  assert.equal(endpoints.length, 2);
  return endpoints[1];
}

describe('validateEndpoints (prefillLoom.endpoints)', () => {
  it('always has the built-in Anthropic endpoint first, at the Anthropic base URL, when the setting is unset', () => {
    for (const raw of [undefined, null, []]) assert.deepEqual(validateEndpoints(raw, ANTHROPIC.baseUrl), { endpoints: [ANTHROPIC], problems: [] }, String(raw));
  });

  it('says a setting that is not a list is ignored', () => {
    assert.deepEqual(validateEndpoints({ name: 'local' }, ''), {
      endpoints: [{ name: 'Anthropic', kind: 'anthropic', baseUrl: '', prefillStyle: 'plain' }],
      problems: ['`prefillLoom.endpoints` must be a list of endpoints; ignoring it.'],
    });
  });

  it('keeps the good entries in order and names each bad one by its position, counting from 1', () => {
    const { endpoints, problems } = validateEndpoints(
      [
        { name: 'local', kind: 'completions', baseUrl: 'http://127.0.0.1:8000/v1' },
        'not an object',
        { name: 'remote', kind: 'chat', baseUrl: 'https://api.example.com/v1' },
      ],
      ANTHROPIC.baseUrl,
    );
    assert.deepEqual(endpoints.map((e) => e.name), ['Anthropic', 'local', 'remote']);
    assert.deepEqual(problems, ['`prefillLoom.endpoints` entry 2 is not an object; it is ignored.']);
  });

  it('reads a full entry as written, base URL without its trailing slashes', () => {
    assert.deepEqual(accepted({ name: 'vllm chat', kind: 'chat', baseUrl: 'http://127.0.0.1:8000/v1//', prefillStyle: 'continue_final_message', model: 'Qwen/Qwen3-8B' }), {
      name: 'vllm chat',
      kind: 'chat',
      baseUrl: 'http://127.0.0.1:8000/v1',
      prefillStyle: 'continue_final_message',
      model: 'Qwen/Qwen3-8B',
    });
  });

  it('gives an entry without a prefill style the plain one, and no model or probabilities unless asked', () => {
    assert.deepEqual(accepted({ name: 'llama', kind: 'completions', baseUrl: 'http://127.0.0.1:8080/v1', logprobs: false }), {
      name: 'llama',
      kind: 'completions',
      baseUrl: 'http://127.0.0.1:8080/v1',
      prefillStyle: 'plain',
    });
  });

  it('refuses entries that are not objects', () => {
    for (const entry of ['local', 7, null, [{ name: 'local' }]]) assert.equal(problemOf(entry), '`prefillLoom.endpoints` entry 1 is not an object; it is ignored.', JSON.stringify(entry));
  });

  it('refuses a missing or malformed name, and takes names up to 63 characters', () => {
    const needsName = '`prefillLoom.endpoints` entry 1 needs a "name" (letters, digits, spaces, . _ - @ +); it is ignored.';
    for (const name of [undefined, 7, '', ' local', '-local', 'a/b', 'x'.repeat(64), 'local\n']) {
      assert.equal(problemOf({ name, kind: 'completions', baseUrl: 'http://127.0.0.1:1/v1' }), needsName, JSON.stringify(name));
    }
    for (const name of ['x'.repeat(63), 'a', 'Qwen 3.5_b-c@d+e']) assert.equal(accepted({ name, kind: 'completions', baseUrl: 'http://127.0.0.1:1/v1' }).name, name);
  });

  it('refuses a name already used, whatever its case, the built-in one included', () => {
    const { endpoints, problems } = validateEndpoints(
      [
        { name: 'Local', kind: 'completions', baseUrl: 'http://127.0.0.1:1/v1' },
        { name: 'LOCAL', kind: 'chat', baseUrl: 'http://127.0.0.1:2/v1' },
        { name: 'anthropic', kind: 'anthropic' },
      ],
      '',
    );
    assert.deepEqual(endpoints.map((e) => e.baseUrl), ['', 'http://127.0.0.1:1/v1']);
    assert.deepEqual(problems, [
      '`prefillLoom.endpoints` entry 2 ("LOCAL") repeats a name already used; it is ignored.',
      '`prefillLoom.endpoints` entry 3 ("anthropic") repeats a name already used; it is ignored.',
    ]);
  });

  it('refuses a kind it does not know, listing the ones it does', () => {
    for (const kind of [undefined, 'openai', 'Chat', 1]) {
      assert.equal(problemOf({ name: 'x', kind, baseUrl: 'http://127.0.0.1:1/v1' }), '`prefillLoom.endpoints` entry 1 ("x") needs "kind": one of anthropic, completions, chat; it is ignored.');
    }
  });

  it('lets only an Anthropic entry leave its base URL empty (its own API), and refuses a URL that is not http(s)', () => {
    assert.deepEqual(accepted({ name: 'claude', kind: 'anthropic' }), { name: 'claude', kind: 'anthropic', baseUrl: '', prefillStyle: 'plain' });
    assert.deepEqual(accepted({ name: 'claude', kind: 'anthropic', baseUrl: 7 }).baseUrl, '');
    for (const kind of ['completions', 'chat']) {
      assert.equal(
        problemOf({ name: 'x', kind }),
        '`prefillLoom.endpoints` entry 1 ("x"): "baseUrl" must be an http(s) URL such as https://api.example.com (e.g. http://127.0.0.1:8000/v1); it is ignored.',
      );
    }
    assert.match(problemOf({ name: 'x', kind: 'anthropic', baseUrl: 'ftp://127.0.0.1' }), /"baseUrl" must be an http\(s\) URL/);
    assert.match(problemOf({ name: 'x', kind: 'chat', baseUrl: 'https://user:pw@example.com/v1' }), /"baseUrl" must not contain a user name or password/);
  });

  it('refuses a prefill style it does not know, listing the ones it does', () => {
    assert.equal(
      problemOf({ name: 'x', kind: 'chat', baseUrl: 'http://127.0.0.1:1/v1', prefillStyle: 'assistant' }),
      '`prefillLoom.endpoints` entry 1 ("x"): "prefillStyle" must be one of continue_final_message, prefix, partial, plain; it is ignored.',
    );
    assert.equal(accepted({ name: 'x', kind: 'chat', baseUrl: 'http://127.0.0.1:1/v1', prefillStyle: 'partial' }).prefillStyle, 'partial');
  });

  it('refuses a model that is not a model id', () => {
    for (const model of ['', '   ', 7, null]) {
      assert.equal(problemOf({ name: 'x', kind: 'chat', baseUrl: 'http://127.0.0.1:1/v1', model }), '`prefillLoom.endpoints` entry 1 ("x"): "model" must be a model id; it is ignored.', JSON.stringify(model));
    }
  });

  it('asks for token probabilities only on "logprobs": true, five alternatives unless "topLogprobs" says how many', () => {
    const at = { name: 'x', kind: 'completions', baseUrl: 'http://127.0.0.1:1/v1' };
    assert.equal(accepted({ ...at, logprobs: true }).logprobs, DEFAULT_TOP_LOGPROBS);
    assert.equal(DEFAULT_TOP_LOGPROBS, 5);
    for (const n of [0, 1, 20]) assert.equal(accepted({ ...at, logprobs: true, topLogprobs: n }).logprobs, n);
    for (const logprobs of [false, 'true', 1]) assert.equal('logprobs' in accepted({ ...at, logprobs, topLogprobs: 3 }), false, JSON.stringify(logprobs));
    for (const n of [-1, 21, 2.5, '5']) {
      assert.equal(problemOf({ ...at, logprobs: true, topLogprobs: n }), '`prefillLoom.endpoints` entry 1 ("x"): "topLogprobs" must be a whole number from 0 to 20; it is ignored.', JSON.stringify(n));
    }
  });

  it('refuses token probabilities on an Anthropic entry, whose API has none', () => {
    assert.equal(problemOf({ name: 'x', kind: 'anthropic', logprobs: true }), '`prefillLoom.endpoints` entry 1 ("x"): Anthropic\'s API gives no token probabilities; remove "logprobs". It is ignored.');
  });
});

describe('resolveEndpoint (which endpoint a document uses)', () => {
  const endpoints: EndpointSettings[] = [
    ANTHROPIC,
    { name: 'Local', kind: 'completions', baseUrl: 'http://127.0.0.1:8000/v1', prefillStyle: 'plain' },
    { name: 'remote', kind: 'chat', baseUrl: 'https://api.example.com/v1', prefillStyle: 'prefix' },
  ];

  it('takes the header\'s endpoint over the default, by name whatever its case', () => {
    assert.equal(resolveEndpoint(endpoints, 'remote', 'local'), endpoints[1]);
    assert.equal(resolveEndpoint(endpoints, undefined, 'REMOTE'), endpoints[2]);
  });

  it('takes the default when the header names none, and the built-in one when there is no default', () => {
    assert.equal(resolveEndpoint(endpoints, 'LOCAL', undefined), endpoints[1]);
    assert.equal(resolveEndpoint(endpoints, undefined, undefined), endpoints[0]);
    assert.equal(resolveEndpoint(endpoints, '', undefined), endpoints[0]);
  });

  it('names an endpoint that is not defined as a problem instead of falling back', () => {
    assert.deepEqual(resolveEndpoint(endpoints, 'Local', 'gone'), {
      problem: 'The document header asks for endpoint "gone", which is not defined. Define it with "Prefill Loom: Add Endpoint…" or in `prefillLoom.endpoints`, or pick one of: Anthropic, Local, remote.',
    });
    assert.deepEqual(resolveEndpoint(endpoints, 'gone', undefined), {
      problem: '`prefillLoom.defaultEndpoint` names "gone", which is not defined. Pick an endpoint from the status bar, or add it with "Prefill Loom: Add Endpoint…".',
    });
  });
});

describe('isLocalEndpoint (needs no key)', () => {
  it('is an endpoint on this machine; the built-in one without a base URL is not', () => {
    for (const baseUrl of ['http://127.0.0.1:8000/v1', 'http://localhost:11434/v1', 'http://[::1]:8080/v1']) assert.equal(isLocalEndpoint({ baseUrl }), true, baseUrl);
    for (const baseUrl of ['', 'https://api.example.com/v1', 'http://10.0.0.5:8000/v1', 'not a url']) assert.equal(isLocalEndpoint({ baseUrl }), false, baseUrl);
  });
});
