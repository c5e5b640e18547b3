// Builds the learner page's front-end into the package (make frontend; CI checks it).
//
//   npm ci && node build.mjs
//
// Writes into ../bakhong/page/voila/templates/bakhong/static/:
//   page.<hash>.js, page.<hash>.css   the bundle; <hash>: 16 hex digits of the file's SHA-256
//                                     (a content-hashed name: served immutable)
//   THIRD-PARTY-NOTICES.txt           the licence of every npm package inside the bundle
//   manifest.json                     the two names, and `source`: the SHA-256 of every
//                                     input (this file, package-lock.json, src/), which
//                                     tests/test_light_page.py recomputes
// Same lockfile, same sources: same bytes (esbuild is pinned by the lockfile).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(HERE, '../bakhong/page/voila/templates/bakhong/static');

// The FontAwesome icons the page draws, as CSS masks: a few icons instead of a 75 KB font.
// The lessons name some (ipywidgets' `icon="camera"` draws <i class="fa fa-camera">), the
// Accordion's header draws its caret. class name -> SVG name in @fortawesome/fontawesome-free.
// tests/test_light_page.py checks that every icon named in widgets/ is here. Any other
// `fa-*` class draws nothing (a transparent mask), never a square.
export const ICONS = {
  camera: 'camera',
  upload: 'upload',
  refresh: 'sync-alt',
  'caret-right': 'caret-right',
  'caret-down': 'caret-down',
};

/** The files whose content makes the bundle, in a fixed order (relative to this folder). */
export function sourceFiles() {
  const walk = (dir) => readdirSync(join(HERE, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  return ['build.mjs', 'package-lock.json', 'package.json', ...walk('src')]
    .map((p) => p.split('\\').join('/')).sort();
}

/** SHA-256 over each file's path and bytes: what manifest.json's `source` records. */
export function sourceHash() {
  const hash = createHash('sha256');
  for (const file of sourceFiles()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(HERE, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function iconCss() {
  const rules = [
    '.fa{display:inline-block;width:1em;height:1em;vertical-align:-.125em;font-style:normal;'
      + '--bk-icon:linear-gradient(transparent,transparent)}',
    '.fa::before{content:"";display:block;width:100%;height:100%;background:currentColor;'
      + '-webkit-mask:var(--bk-icon) center/contain no-repeat;'
      + 'mask:var(--bk-icon) center/contain no-repeat}',
    '.fa-fw{width:1.25em}',
  ];
  for (const [name, svg] of Object.entries(ICONS)) {
    const file = join(HERE, 'node_modules/@fortawesome/fontawesome-free/svgs/solid', `${svg}.svg`);
    const markup = readFileSync(file, 'utf8').replace(/<!--.*?-->/gs, '').trim();
    rules.push(`.fa-${name}{--bk-icon:url("data:image/svg+xml,${encodeURIComponent(markup)}")}`);
  }
  return rules.join('\n');
}

const SERVICES = join(HERE, 'node_modules/@jupyterlab/services/lib');
const SERVICES_SHIM = join(HERE, 'src/services-index.js');

/** kernel/default.js's `require("..")` goes to src/services-index.js (see there). */
const servicesIndex = {
  name: 'bakhong-services-index',
  setup(build) {
    build.onResolve({ filter: /^\.\.$/ }, (args) => {
      if (args.importer !== join(SERVICES, 'kernel/default.js')) return undefined;
      const used = new Set(readFileSync(args.importer, 'utf8').match(/__1\.\w+/g));
      const shim = readFileSync(SERVICES_SHIM, 'utf8');
      const missing = [...used].map((u) => u.slice(4)).filter((n) => !shim.includes(` ${n} `));
      if (missing.length) {
        return { errors: [{ text: `src/services-index.js lacks ${missing.join(', ')}` }] };
      }
      return { path: SERVICES_SHIM };
    });
  },
};

/** widgets-base.css imports nouislider's stylesheet: empty here, as the slider (no-slider.js). */
const noSliderCss = {
  name: 'bakhong-no-slider-css',
  setup(build) {
    build.onResolve({ filter: /nouislider\.css$/ }, () => ({ path: 'no-slider.css', namespace: 'bakhong' }));
  },
};

/** `import 'bakhong:icons.css'`: the icon rules, made from the npm package's SVGs. */
const icons = {
  name: 'bakhong-icons',
  setup(build) {
    build.onResolve({ filter: /^bakhong:icons\.css$/ }, (args) => ({ path: args.path, namespace: 'bakhong' }));
    build.onLoad({ filter: /.*/, namespace: 'bakhong' }, (args) => ({
      contents: args.path === 'bakhong:icons.css' ? iconCss() : '', loader: 'css' }));
  },
};

function packageOf(input) {
  const parts = input.split('node_modules/');
  if (parts.length < 2) return null;
  const segments = parts[parts.length - 1].split('/');
  const name = segments[0].startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
  return { name, dir: join(HERE, parts.slice(0, -1).join('node_modules/'), 'node_modules', name) };
}

function notices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const found = packageOf(input);
    if (found) packages.set(found.name, found.dir);
  }
  packages.set('@fortawesome/fontawesome-free', join(HERE, 'node_modules/@fortawesome/fontawesome-free'));
  const parts = ['Third-party software inside page.*.js and page.*.css (bakhong/page), '
    + 'built from npm by frontend/build.mjs.\n'];
  for (const name of [...packages.keys()].sort()) {
    const dir = packages.get(name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licence = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    const text = licence ? readFileSync(join(dir, licence), 'utf8').trim() : `License: ${meta.license}`;
    parts.push(`${'='.repeat(78)}\n${name} ${meta.version} (${meta.license})\n\n${text}\n`);
  }
  return parts.join('\n');
}

async function main() {
  const result = await esbuild.build({
    absWorkingDir: HERE, // the same output from any folder
    entryPoints: { page: join(HERE, 'src/index.js') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2018',
    entryNames: '[name]',
    outdir: OUT,
    write: false,
    metafile: true,
    legalComments: 'none', // the licences go to THIRD-PARTY-NOTICES.txt
    alias: {
      'sanitize-html': join(HERE, 'src/sanitize-html.js'),
      nouislider: join(HERE, 'src/no-slider.js'),
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [icons, noSliderCss, servicesIndex],
    logLevel: 'warning',
  });
  mkdirSync(OUT, { recursive: true });
  for (const old of readdirSync(OUT)) rmSync(join(OUT, old));
  const manifest = { source: sourceHash() };
  for (const file of result.outputFiles) {
    const kind = file.path.endsWith('.css') ? 'css' : 'js';
    const hash = createHash('sha256').update(file.contents).digest('hex').slice(0, 16);
    manifest[kind] = `page.${hash}.${kind}`;
    writeFileSync(join(OUT, manifest[kind]), file.contents);
  }
  writeFileSync(join(OUT, 'THIRD-PARTY-NOTICES.txt'), notices(result.metafile));
  writeFileSync(join(OUT, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const key of ['js', 'css']) {
    console.log(`${manifest[key]}: ${readFileSync(join(OUT, manifest[key])).length} bytes`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(HERE, 'node_modules'))) {
    console.error('node_modules is missing: run `npm ci` in frontend/ first (make frontend)');
    process.exit(1);
  }
  await main();
}
