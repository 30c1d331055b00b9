#!/usr/bin/env node
// The command line tool is bundled with the extension's core by esbuild (npm install runs the build).
require('../dist/cli.js');
