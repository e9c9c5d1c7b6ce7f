// The lessons as the Markdown in content/ declares them: which ones embed a
// live demo, so a test knows which pages must stay free of JavaScript.
// (The server's own reading is in src/content/; this mirrors only the slug,
// the order and the `::demo[name]` directives.)
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { ROOT } from "./server.mjs";

/**
 * Demos the server renders alone, with no island and no WebAssembly
 * (`DemoName::has_island` in src/model/course.rs). The crowd and the fleet
 * load no script at all; lesson 9's WebTransport demos load a small one of
 * their own (`webtransport/webtransport.js`, budgeted apart).
 */
export const SERVER_ONLY_DEMOS = new Set(["reconnect-crowd", "rolling-deploy", "webtransport", "head-of-line"]);

/** The demos of a list that ship an island. */
export const islandDemos = (demos) => demos.filter((demo) => !SERVER_ONLY_DEMOS.has(demo));

/**
 * `[{ file, slug, order, demos, checks }]` in course order. `slug` and `order`
 * come from the front matter, else from the file name (`03-event-stream.md`);
 * `demos` lists the `::demo[name]` paragraphs outside code blocks; `checks`
 * counts the knowledge checks (```` ```check ```` fences).
 */
export function lessonsFromContent(contentDir = join(ROOT, "content")) {
  return readdirSync(contentDir)
    .filter((name) => name.endsWith(".md"))
    .map((name) => readLesson(contentDir, name))
    .sort((a, b) => a.order - b.order);
}

function readLesson(dir, name) {
  const text = readFileSync(join(dir, name), "utf8");
  const [, frontMatter = "", body = text] = text.match(/^\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+\r?\n?([\s\S]*)$/) ?? [];
  const key = (k) => frontMatter.match(new RegExp(`^${k}\\s*=\\s*"?([^"\\n]*)"?\\s*$`, "m"))?.[1];
  const [, number, stem] = name.match(/^(?:(\d+)-)?(.*)\.md$/);
  return {
    file: name,
    slug: key("slug") ?? stem,
    order: Number(key("order") ?? number),
    demos: demoDirectives(body),
    checks: (body.match(/^```check\s*$/gm) ?? []).length,
  };
}

/** The names in `::demo[name]` lines, skipping fenced code (where a lesson may show the syntax). */
function demoDirectives(body) {
  const demos = [];
  let fence = null;
  for (const line of body.split(/\r?\n/)) {
    const opener = line.match(/^\s{0,3}(`{3,}|~{3,})/)?.[1];
    if (fence) {
      if (opener && opener[0] === fence[0] && opener.length >= fence.length) fence = null;
    } else if (opener) {
      fence = opener;
    } else {
      const name = line.match(/^::demo\[([^\]]+)\]\s*$/)?.[1];
      if (name) demos.push(name.trim());
    }
  }
  return demos;
}
