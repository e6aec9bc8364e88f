// Builds the consoles' JavaScript into ivr/web/static/dist/ (served by Flask at /static/dist/):
//   - every frontend/src/*.js is a page script, bundled with what it imports into dist/NAME.js (+ NAME.js.map);
//     shared modules that are imported, never loaded on their own (LIBRARIES), are not entries;
//   - the vendor libraries are copied as their maintainers ship them: htmx.min.js, twilio.min.js
//     (@twilio/voice-sdk's browser build, which sets window.Twilio), chart.umd.js (window.Chart).
// Usage: `node frontend/build.mjs` (after `npm ci --prefix frontend`); `make frontend` does both.
// Nothing built here may need eval or inline code: the pages' CSP is script-src 'self'.
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const modules = join(here, "node_modules");
const out = join(here, "..", "ivr", "web", "static", "dist");

const LIBRARIES = new Set(["common.js"]);
// [file in node_modules, name in dist]; a source map beside a file is copied too (the file names it).
const VENDOR = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["@twilio/voice-sdk/dist/twilio.min.js", "twilio.min.js"],
  ["chart.js/dist/chart.umd.js", "chart.umd.js"],
];

function fail(message) {
  console.error(`frontend build: ${message}`);
  process.exit(1);
}

function copyVendor() {
  for (const [from, name] of VENDOR) {
    const path = join(modules, from);
    if (!existsSync(path)) fail(`${path} is missing: run \`npm ci --prefix frontend\` first`);
    copyFileSync(path, join(out, name));
    if (existsSync(`${path}.map`)) copyFileSync(`${path}.map`, join(out, `${name}.map`));
  }
}

async function bundle() {
  const entryPoints = readdirSync(src).filter((f) => f.endsWith(".js") && !LIBRARIES.has(f)).map((f) => join(src, f));
  await esbuild.build({
    entryPoints,
    outdir: out,
    bundle: true,
    format: "iife",       // plain <script src>, no module loader; each page script is self-contained
    minify: true,
    sourcemap: true,
    target: "es2020",
    platform: "browser",
    legalComments: "linked",
    logLevel: "warning",
  });
  return entryPoints.length;
}

// A shared module is only compiled inside the pages that import it: check it on its own, so a mistake in it
// fails the build before any page uses it.
async function checkLibraries() {
  const entryPoints = [...LIBRARIES].map((f) => join(src, f)).filter(existsSync);
  await esbuild.build({ entryPoints, bundle: true, write: false, format: "esm", target: "es2020", logLevel: "warning" });
}

if (!existsSync(modules)) fail("frontend/node_modules is missing: run `npm ci --prefix frontend` first");
rmSync(out, { recursive: true, force: true }); // no stale bundle of a removed entry stays served
mkdirSync(out, { recursive: true });
copyVendor();
await checkLibraries().catch((error) => fail(error.message));
const count = await bundle().catch((error) => fail(error.message));
console.log(`frontend build: ${count} page script(s) and ${VENDOR.length} vendor files in ${out}`);
