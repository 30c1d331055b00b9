import * as assert from 'node:assert/strict';
import {
  BUILT_IN_DEFAULTS,
  DEFAULT_USER_TURN,
  resolveGenerationParams,
  validateGenerationDefaults,
  type GenerationDefaults,
} from '../../src/core/conversation/generationSettings';

const DEFAULTS: GenerationDefaults = { model: 'claude-sonnet-4-5', user: 'Go on.', maxTokens: 1024 };

describe('resolveGenerationParams', () => {
  it('uses the defaults when the header sets nothing, leaving optional values absent', () => {
    const params = resolveGenerationParams(DEFAULTS, {});
    assert.deepEqual(params, { model: 'claude-sonnet-4-5', user: 'Go on.', max_tokens: 1024 });
    assert.deepEqual(Object.keys(params).sort(), ['max_tokens', 'model', 'user'], 'no keys holding undefined');
  });

  it('carries every default across, renamed to the API spelling', () => {
    const full: GenerationDefaults = {
      ...DEFAULTS,
      system: 'Be terse.',
      temperature: 0.3,
      topP: 0.8,
      topK: 20,
      stopSequences: ['END'],
    };
    assert.deepEqual(resolveGenerationParams(full, {}), {
      model: 'claude-sonnet-4-5',
      user: 'Go on.',
      max_tokens: 1024,
      system: 'Be terse.',
      temperature: 0.3,
      top_p: 0.8,
      top_k: 20,
      stop_sequences: ['END'],
    });
  });

  it('lets every header field win', () => {
    const full: GenerationDefaults = { ...DEFAULTS, system: 's', temperature: 0.3, topP: 0.8, topK: 20, stopSequences: ['END'] };
    const header = {
      model: 'claude-haiku-4-5',
      system: 'You are a novelist.',
      user: 'Write.',
      temperature: 0,
      max_tokens: 512,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['###'],
    };
    assert.deepEqual(resolveGenerationParams(full, header), header);
  });

  it('keeps zero values from the header', () => {
    const params = resolveGenerationParams({ ...DEFAULTS, temperature: 0.9, topP: 0.5 }, { temperature: 0, top_p: 0 });
    assert.equal(params.temperature, 0);
    assert.equal(params.top_p, 0);
  });

  it('lets a header clear the default stop sequences with []', () => {
    const params = resolveGenerationParams({ ...DEFAULTS, stopSequences: ['END'] }, { stop_sequences: [] });
    assert.equal('stop_sequences' in params, false);
  });

  it('copies stop sequences rather than sharing the caller array', () => {
    const stops = ['END'];
    const params = resolveGenerationParams({ ...DEFAULTS, stopSequences: stops }, {});
    params.stop_sequences?.push('more');
    assert.deepEqual(stops, ['END']);
  });
});

describe('validateGenerationDefaults', () => {
  it('falls back to the built-in defaults silently when nothing is set', () => {
    for (const raw of [undefined, null, {}]) {
      const { defaults, problems } = validateGenerationDefaults(raw);
      assert.deepEqual(defaults, { model: 'claude-haiku-4-5', user: DEFAULT_USER_TURN, maxTokens: 1024 });
      assert.deepEqual(problems, []);
    }
    assert.deepEqual(BUILT_IN_DEFAULTS, { model: 'claude-haiku-4-5', user: DEFAULT_USER_TURN, maxTokens: 1024 });
  });

  it('accepts a complete, valid settings object and ignores other keys', () => {
    const raw = {
      model: 'claude-opus-4-5',
      user: 'Continue.',
      system: 'Be terse.',
      temperature: 1,
      maxTokens: 128000,
      topP: 0,
      topK: 1,
      stopSequences: ['\n\nTHE END'],
      baseUrl: 'https://example.invalid',
      requestTimeoutSeconds: 30,
    };
    assert.deepEqual(validateGenerationDefaults(raw), {
      defaults: {
        model: 'claude-opus-4-5',
        user: 'Continue.',
        system: 'Be terse.',
        temperature: 1,
        maxTokens: 128000,
        topP: 0,
        topK: 1,
        stopSequences: ['\n\nTHE END'],
      },
      problems: [],
    });
  });

  it('treats null optional settings and an empty system prompt as unset', () => {
    const { defaults, problems } = validateGenerationDefaults({ system: '', temperature: null, topP: null, topK: null, stopSequences: [] });
    assert.deepEqual(defaults, BUILT_IN_DEFAULTS);
    assert.deepEqual(problems, []);
  });

  const bad: Array<[string, unknown, RegExp, Partial<GenerationDefaults>]> = [
    ['model', '', /^prefillLoom\.model must be non-blank text \(got blank text\); using "claude-haiku-4-5" instead\.$/, { model: 'claude-haiku-4-5' }],
    ['model', 42, /prefillLoom\.model .*\(got 42\); using "claude-haiku-4-5"/, { model: 'claude-haiku-4-5' }],
    ['user', '   ', /prefillLoom\.user must be non-blank text .*using "Write the text/, { user: DEFAULT_USER_TURN }],
    ['system', 7, /prefillLoom\.system must be text with a visible character, or empty for none \(got 7\); using none instead\./, {}],
    ['system', '  ', /prefillLoom\.system .*\(got blank text\)/, {}],
    ['temperature', 1.5, /^prefillLoom\.temperature must be a number from 0 to 1 \(got 1\.5\); using the model's default instead\.$/, {}],
    ['temperature', '0.5', /prefillLoom\.temperature .*\(got text\)/, {}],
    ['temperature', Number.NaN, /prefillLoom\.temperature .*\(got NaN\)/, {}],
    ['topP', -0.1, /prefillLoom\.topP must be a number from 0 to 1/, {}],
    ['topK', 0, /prefillLoom\.topK must be a whole number 1 or more \(got 0\); using the model's default/, {}],
    ['topK', 2.5, /prefillLoom\.topK must be a whole number/, {}],
    ['maxTokens', 0, /^prefillLoom\.maxTokens must be a whole number from 1 to 128000 \(got 0\); using 1024 instead\.$/, { maxTokens: 1024 }],
    ['maxTokens', 200000, /prefillLoom\.maxTokens .*using 1024/, { maxTokens: 1024 }],
    ['maxTokens', true, /prefillLoom\.maxTokens .*\(got true\)/, { maxTokens: 1024 }],
    ['stopSequences', 'END', /prefillLoom\.stopSequences must be a list of strings \(got text\); using no stop sequences instead\./, {}],
  ];
  for (const [name, value, message, expected] of bad) {
    it(`reports prefillLoom.${name} = ${JSON.stringify(value)} and falls back`, () => {
      const { defaults, problems } = validateGenerationDefaults({ [name]: value });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0], message);
      assert.deepEqual(defaults, { ...BUILT_IN_DEFAULTS, ...expected });
    });
  }

  it('drops only the bad stop sequences, one problem each', () => {
    const { defaults, problems } = validateGenerationDefaults({ stopSequences: ['END', '', 3, '\n', '###'] });
    assert.deepEqual(defaults.stopSequences, ['END', '###']);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /^prefillLoom\.stopSequences entry 2 must contain a visible character .*using the list without it instead\.$/);
    assert.match(problems[1], /entry 3 .*got 3/);
    assert.match(problems[2], /entry 4/);
  });

  it('never echoes text settings, which might hold a pasted secret', () => {
    const secret = 'sk-ant-api03-secret';
    const { problems } = validateGenerationDefaults({ temperature: secret, stopSequences: secret, topK: { key: secret } });
    assert.equal(problems.length, 3);
    for (const problem of problems) assert.ok(!problem.includes(secret), problem);
  });

  it('describes a wrong value by its kind: a list, an object, null, a boolean', () => {
    const { problems } = validateGenerationDefaults({ topK: { key: 1 }, temperature: [0.5], stopSequences: [null, false] });
    assert.deepEqual(
      problems.map((p) => /got (.*?)\)/.exec(p)?.[1]),
      ['a list', 'a value of type object', 'null', 'false'],
    );
  });

  it('reports a settings value that is not an object', () => {
    for (const raw of ['claude', 3, ['model']]) {
      const { defaults, problems } = validateGenerationDefaults(raw);
      assert.deepEqual(defaults, BUILT_IN_DEFAULTS);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /not an object/);
    }
  });
});
