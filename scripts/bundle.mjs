// Bundles the compiled CLI into one file: a CLI run then reads and compiles one module instead of hundreds, which
// is most of its start-up time (see the README's Benchmarks section).
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: 'dist/ets.mjs',
  bundle: true,
  // Identifiers stay readable for stack traces and profiles; whitespace and syntax are what cost parse time.
  minifyWhitespace: true,
  minifySyntax: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __etsRequire } from 'node:module'; const require = __etsRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
