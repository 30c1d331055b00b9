import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_CONNECTION_SETTINGS } from '../../src/core/providers/connectionSettings';
import { BUILT_IN_DEFAULTS } from '../../src/core/conversation/generationSettings';
import { PROBE_DEFAULTS, PROBE_LIMITS } from '../../src/core/reproducibility/prefillProbe';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const properties: Record<string, { default: unknown; maximum?: number; markdownDescription?: string }> = manifest.contributes.configuration.properties;

describe('package.json contributions', () => {
  it('declares the same defaults the core falls back to', () => {
    assert.equal(properties['prefillLoom.model'].default, BUILT_IN_DEFAULTS.model);
    assert.equal(properties['prefillLoom.user'].default, BUILT_IN_DEFAULTS.user);
    assert.equal(properties['prefillLoom.maxTokens'].default, BUILT_IN_DEFAULTS.maxTokens);
    for (const [name, value] of Object.entries(DEFAULT_CONNECTION_SETTINGS)) {
      assert.equal(properties[`prefillLoom.${name}`].default, value, name);
    }
    const probeSettings = { samples: 'prefillLoom.probe.samples', probeTokens: 'prefillLoom.probe.tokens', maxPoints: 'prefillLoom.probe.maxPoints' } as const;
    for (const [key, setting] of Object.entries(probeSettings) as [keyof typeof probeSettings, string][]) {
      assert.equal(properties[setting].default, PROBE_DEFAULTS[key], setting);
      assert.equal(properties[setting].maximum, PROBE_LIMITS[key], setting);
    }
  });

  it('lets no workspace raise what a run may spend: budget and count settings are user settings only', () => {
    for (const name of ['maxTotalTokens', 'alternatives', 'concurrency', 'probe.samples', 'probe.tokens', 'probe.maxPoints', 'baseUrl']) {
      assert.equal((properties[`prefillLoom.${name}`] as { scope?: string }).scope, 'application', name);
    }
  });

  it('describes every setting and puts every command in the Prefill Loom category', () => {
    for (const [name, property] of Object.entries(properties)) {
      assert.ok(property.markdownDescription, `${name} has no markdownDescription`);
    }
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Prefill Loom', command.command);
      assert.match(command.command, /^prefillLoom\.[a-z][A-Za-z]+$/);
    }
  });

  it('gives every keybinding a when clause and a mac key', () => {
    for (const binding of manifest.contributes.keybindings) {
      assert.ok(binding.when, `${binding.command} has no when clause`);
      assert.ok(binding.mac, `${binding.command} has no mac key`);
    }
  });
});
