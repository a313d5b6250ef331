// Copies Swagger UI's files into the build, so /api/docs works without a CDN (offline, air-gapped).
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dist = dirname(require.resolve("swagger-ui-dist/package.json"));
const out = new URL("../../src/cairn/server/static/swagger/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]) {
  copyFileSync(join(dist, file), join(out, file));
}
