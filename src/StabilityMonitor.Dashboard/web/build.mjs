// Bundles the caregiver page into ../wwwroot (app.js, app.css, index.html). `npm run build`; `npm run watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, '..', 'wwwroot');
await mkdir(outdir, { recursive: true });

const options = {
  entryPoints: { app: path.join(here, 'src', 'main.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir,
  logLevel: 'warning',
};

await copyFile(path.join(here, 'index.html'), path.join(outdir, 'index.html'));
if (process.argv.includes('--watch')) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log(`watching; bundle in ${outdir} (index.html is copied at start only)`);
} else {
  await esbuild.build(options);
}
