// An exercise in a lesson, brought to life (exercise.js loads this file when
// the first exercise comes near the screen): an editor (CodeMirror 6) with
// the starter code, Run, Stop, Reset and "Compare with the reference", a
// console, and the checklist filled in live from the server's verdicts.
//
// The learner's code runs in a frame of /x/runner: sandboxed (its origin is
// opaque, so it reaches nothing of this page, its cookies or its storage),
// allowed by its own policy to connect to this server only. Each Run asks
// for a new token, so the checklist starts afresh; the server grades what
// the code did on that token's address and sends the verdicts over an
// event stream. Everything here enhances HTML that works without it: the
// task, the rules, the starter, the hints, the reference and the terminal
// commands are in the page already.
import { EditorState } from "@codemirror/state";
import {
	EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection,
	highlightActiveLineGutter,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
	syntaxHighlighting, HighlightStyle, indentOnInput, bracketMatching,
} from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { javascript } from "@codemirror/lang-javascript";
import { MergeView } from "@codemirror/merge";

// What a screen reader hears before each rule (the mark is drawn by CSS).
const SAID = { waiting: "Not seen yet:", passed: "Passed:", failed: "Failed:" };
const MOST_CONSOLE_LINES = 200;

// A passed exercise is kept with the lesson's progress, which the course
// path shows (src/ui/components/progress.rs reads the same keys).
const lesson = location.pathname.split("/").filter(Boolean).pop();
const passedKey = (id) => `realtime-lab.exercise:${lesson}/${id}`;
const passedBefore = (id) => {
	try {
		return localStorage.getItem(passedKey(id)) === "1";
	} catch {
		return false;
	}
};
const remember = (id) => {
	try {
		localStorage.setItem(passedKey(id), "1");
	} catch {
		// storage off: the pass is shown, not kept
	}
};

const element = (tag, attributes = {}, text = "") => {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
	if (text) node.textContent = text;
	return node;
};

// The site's own colours for code (style/main.css), light and dark alike.
const colours = HighlightStyle.define([
	{ tag: tags.comment, color: "var(--hl-comment)", fontStyle: "italic" },
	{ tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: "var(--hl-keyword)" },
	{ tag: [tags.string, tags.special(tags.string), tags.regexp], color: "var(--hl-string)" },
	{ tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--hl-number)" },
	{ tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: "var(--hl-function)" },
	{ tag: [tags.className, tags.typeName], color: "var(--hl-type)" },
]);
const theme = EditorView.theme({
	"&": { backgroundColor: "var(--code-bg)", color: "var(--text)", fontSize: "0.85rem" },
	".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--text)" },
	".cm-gutters": { backgroundColor: "var(--bg-sunken)", color: "var(--text-muted)", border: "none" },
	".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "var(--accent-soft)" },
	"&.cm-focused": { outline: "2px solid var(--accent)" },
});

// CodeMirror writes its own styles into a <style> element, which the page's
// Content-Security-Policy (no 'unsafe-inline') refuses; inside a shadow root
// it uses a constructed style sheet instead, which needs no permission. The
// site's colours still reach in: custom properties inherit across the root.
const shadow = (host) => host.attachShadow({ mode: "open" });

const extensions = (readOnly, label) => [
	lineNumbers(),
	highlightActiveLineGutter(),
	history(),
	drawSelection(),
	indentOnInput(),
	bracketMatching(),
	highlightActiveLine(),
	syntaxHighlighting(colours),
	theme,
	// Long lines wrap and the editor grows with its code: no box that
	// scrolls inside the page (a phone's thumb, and axe, prefer it).
	EditorView.lineWrapping,
	javascript(),
	// Tab indents; Escape then Tab leaves the editor (CodeMirror's own rule).
	keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
	EditorState.readOnly.of(readOnly),
	EditorView.contentAttributes.of({ "aria-label": label }),
];

class Exercise {
	constructor(section) {
		this.section = section;
		this.id = section.dataset.exercise;
		this.starter = section.querySelector(".exercise-code pre code").textContent;
		this.reference = section.querySelector(".exercise-reference pre code").textContent;
		this.rules = [...section.querySelectorAll(".exercise-rules li")];
		this.frame = null;
		this.verdicts = null;
		this.compare = null;
		this.build();
		this.hintsOneAtATime();
		if (passedBefore(this.id)) this.status("You passed this exercise before. Run it again any time.");
	}

	build() {
		const code = this.section.querySelector(".exercise-code");
		const label = code.querySelector(".exercise-label");
		label.textContent = "Your code";
		const starter = code.querySelector("pre");
		(starter.closest(".code-wrap") ?? starter).hidden = true; // the copy button's wrapper, if any
		const host = element("div", { class: "exercise-editor" });
		code.append(host);
		const root = shadow(host);
		this.editor = new EditorView({
			parent: root,
			root,
			state: EditorState.create({ doc: this.starter, extensions: extensions(false, "Your code") }),
		});
		const hint = element("p", { class: "exercise-keys" }, "In the editor, Tab indents; press Escape, then Tab, to move on.");
		const bar = element("div", { class: "exercise-bar", role: "group", "aria-label": "Run your code" });
		const button = (text, action, kind = "") => {
			const b = element("button", { type: "button", class: `button ${kind}`.trim() }, text);
			b.addEventListener("click", action);
			bar.append(b);
			return b;
		};
		this.runButton = button("Run", () => this.run(), "primary");
		this.stopButton = button("Stop", () => this.stop("Stopped."));
		this.stopButton.disabled = true;
		button("Reset", () => this.reset());
		this.compareButton = button("Compare with the reference", () => this.toggleCompare());
		this.compareButton.setAttribute("aria-expanded", "false");
		this.statusLine = element("p", { class: "exercise-status", role: "status" });
		this.console = element("pre", { class: "exercise-console", role: "log", "aria-label": "Console", tabindex: "0" });
		this.comparison = element("div", { class: "exercise-compare", hidden: "" });
		code.append(hint, bar, this.statusLine, this.comparison, this.console);
	}

	// Hint N+1 shows once hint N has been opened (without JavaScript, all show).
	hintsOneAtATime() {
		const hints = [...this.section.querySelectorAll(".exercise-hint")];
		hints.forEach((hint, n) => {
			if (n > 0) hint.hidden = true;
			hint.addEventListener("toggle", () => {
				if (hint.open && hints[n + 1]) hints[n + 1].hidden = false;
			});
		});
	}

	status(text) {
		this.statusLine.textContent = text;
	}

	log(kind, text) {
		const line = element("span", { class: `console-${kind}` }, `${text}\n`);
		this.console.append(line);
		while (this.console.childNodes.length > MOST_CONSOLE_LINES) this.console.firstChild.remove();
		this.console.scrollTop = this.console.scrollHeight;
	}

	showVerdicts(verdicts) {
		for (const verdict of verdicts) {
			const item = this.rules.find((li) => li.dataset.rule === verdict.rule);
			if (!item) continue;
			item.dataset.standing = verdict.standing;
			item.querySelector(".verdict-said").textContent = SAID[verdict.standing] ?? "";
			item.querySelector(".verdict-evidence").textContent = verdict.evidence;
		}
		const all = verdicts.length > 0 && verdicts.every((v) => v.standing === "passed");
		const failed = verdicts.filter((v) => v.standing === "failed").length;
		if (all) {
			this.status("Passed: every rule holds, as the server saw it.");
			this.section.dataset.passed = "";
			remember(this.id);
		} else if (failed) {
			this.status(`${failed} of ${verdicts.length} rules failed: the evidence says what the server saw.`);
		}
	}

	async run() {
		this.stop();
		this.console.textContent = "";
		for (const li of this.rules) {
			li.dataset.standing = "waiting";
			li.querySelector(".verdict-said").textContent = SAID.waiting;
			li.querySelector(".verdict-evidence").textContent = "";
		}
		this.status("Getting your address…");
		let issued;
		try {
			const response = await fetch(`/api/exercises/${encodeURIComponent(this.id)}/token`, { method: "POST" });
			if (!response.ok) throw new Error(await response.text());
			issued = await response.json();
		} catch (error) {
			this.status(`Could not start: ${error.message}`);
			return;
		}
		const url = new URL(issued.url, location.href);
		if (url.pathname.endsWith("/socket")) url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
		this.verdicts = new EventSource(`${issued.verdicts}/verdicts`);
		this.verdicts.addEventListener("verdicts", (event) => this.showVerdicts(JSON.parse(event.data)));
		const frame = element("iframe", {
			src: "/x/runner",
			sandbox: "allow-scripts",
			title: "Where your code runs",
			hidden: "",
		});
		const code = this.editor.state.doc.toString();
		this.listener = (event) => {
			if (event.source !== frame.contentWindow || typeof event.data !== "object") return;
			const { kind, text } = event.data;
			if (kind === "ready") {
				frame.contentWindow.postMessage({ code, exercise: { url: url.href, token: issued.token } }, "*");
			} else if (["log", "info", "warn", "error"].includes(kind)) {
				this.log(kind, String(text));
			}
		};
		window.addEventListener("message", this.listener);
		this.frame = frame;
		this.section.append(frame);
		this.runButton.disabled = false;
		this.stopButton.disabled = false;
		this.status(`Running on ${issued.url}: the checklist fills in as the server sees your connections.`);
	}

	stop(why) {
		if (this.frame) {
			this.frame.remove();
			this.frame = null;
		}
		if (this.verdicts) {
			this.verdicts.close();
			this.verdicts = null;
		}
		if (this.listener) window.removeEventListener("message", this.listener);
		this.stopButton.disabled = true;
		if (why) this.status(`${why} The checklist shows what the server saw until now.`);
	}

	reset() {
		this.stop();
		this.editor.dispatch({ changes: { from: 0, to: this.editor.state.doc.length, insert: this.starter } });
		this.status("Back to the starter code.");
	}

	toggleCompare() {
		const open = this.comparison.hidden;
		this.comparison.hidden = !open;
		this.compareButton.setAttribute("aria-expanded", String(open));
		this.compare?.destroy();
		this.compare = null;
		this.comparison.textContent = "";
		if (!open) return;
		// Yours on the left, the reference on the right; both read-only here,
		// so the comparison never changes your code.
		const labels = element("p", { class: "exercise-compare-labels" }, "Your code, beside the reference");
		const host = element("div");
		this.comparison.append(labels, host);
		const root = shadow(host);
		this.compare = new MergeView({
			parent: root,
			root,
			a: { doc: this.editor.state.doc.toString(), extensions: extensions(true, "Your code, as it is now") },
			b: { doc: this.reference, extensions: extensions(true, "The reference solution") },
		});
	}
}

/** Brings one exercise's section to life. */
export const start = (section) => new Exercise(section);
