// This site's island loader: Leptos 0.8's (island_script.js beside this
// file, which a test keeps equal to the Leptos in use), changed in *when* it
// runs. Leptos's loader fetches the bundle and hydrates every island on the
// page as soon as the browser is idle; on a phone that is a second or more of
// script while the learner is still reading the top of the lesson. This one
// loads the bundle when the first island comes near the screen (or is
// touched, focused or typed into first), and hydrates each island only when
// it does. An island is hydrated the way Leptos does it: the island's
// function from the bundle, then the islands inside its children.
((js_href, wasm_href) => {
	// How far below (or above) the screen counts as near.
	const NEAR = "300px 0px";
	// The bundle's wasm fetches started in one task, at most.
	const PACE = 8;
	// cargo-leptos's wasm-split loader starts every chunk an island needs
	// (65 to 78 of them for a demo) with a fetch() each, all in one task:
	// on a phone that task ran 330 ms, half of it the fetches themselves.
	// The bundle's wasm fetches go out PACE at a time, a task apart, so the
	// page answers a tap in between; every other fetch is left as it is.
	const pkg = new URL(".", new URL(wasm_href, location.href)).pathname;
	const fetchNow = window.fetch.bind(window);
	const queued = [];
	const release = () => {
		for (const [args, resolve] of queued.splice(0, PACE)) resolve(fetchNow(...args));
		if (queued.length) setTimeout(release, 0);
	};
	window.fetch = (...args) => {
		const url = new URL(args[0] instanceof Request ? args[0].url : String(args[0]), location.href);
		if (!url.pathname.startsWith(pkg) || !url.pathname.endsWith(".wasm")) return fetchNow(...args);
		return new Promise((resolve) => queued.push([args, resolve]) === 1 && setTimeout(release, 0));
	};
	let bundle = null;
	const load = () => (bundle ??= import(js_href).then(async (mod) => {
		await mod.default({ module_or_path: wasm_href });
		mod.hydrate();
		window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
		return mod;
	}));

	let childrenCallbacks = [];
	async function hydrateIsland(el, id, mod) {
		const islandFn = mod[id];
		if (!islandFn) {
			console.warn(`Could not find WASM function for the island ${id}.`);
			return;
		}
		const childrenCallback = childrenCallbacks[childrenCallbacks.length - 1];
		if (childrenCallback) childrenCallback();
		const res = islandFn(el);
		if (res && res.then) await res;
	}
	// Leptos's walk, from one island down: the island, then any island
	// inside its children, each with its enclosing children's callback.
	async function traverse(node, mod) {
		if (node.nodeType !== Node.ELEMENT_NODE) return;
		const tag = node.tagName.toLowerCase();
		if (tag === "leptos-island") {
			await hydrateIsland(node, node.dataset.component || null, mod);
			for (const child of node.children) await traverse(child, mod);
		} else if (tag === "leptos-children") {
			childrenCallbacks.push(node.$$on_hydrate);
			for (const child of node.children) await traverse(child, mod);
			childrenCallbacks.pop();
		} else {
			for (const child of node.children) await traverse(child, mod);
		}
	}

	const started = new WeakSet();
	let walks = Promise.resolve();
	const start = (island) => {
		if (started.has(island)) return;
		started.add(island);
		observer?.unobserve(island);
		// One walk at a time, as Leptos walks the page once: the children's
		// callbacks are a stack shared by every walk.
		walks = walks
			.then(() => load())
			.then((mod) => traverse(island, mod))
			// The next island still gets its turn.
			.catch((error) => console.error(error));
	};
	const outermost = [...document.querySelectorAll("leptos-island")]
		.filter((island) => !island.parentElement.closest("leptos-island"));
	const observer = "IntersectionObserver" in window
		? new IntersectionObserver((entries) => {
			for (const entry of entries) if (entry.isIntersecting) start(entry.target);
		}, { rootMargin: NEAR })
		: null;
	const whenIdle = (run) => ("requestIdleCallback" in window ? requestIdleCallback(run) : setTimeout(run, 1));
	for (const island of outermost) {
		// An island that shows nothing of its own (hidden children only: the
		// knowledge checks' listener, and the room's, the leaky server's and
		// which-fits' islands, which drive markup the server rendered
		// outside them) cannot come near the screen: it
		// starts when the browser is idle, as every island does with
		// Leptos's loader. Told from the markup, not from its box: asking
		// for a box here laid the whole page out inside this script's task.
		if (!observer || [...island.children].every((child) => child.hidden)) {
			whenIdle(() => start(island));
			continue;
		}
		observer.observe(island);
		// A learner quicker than the observer: the first touch, focus or key starts it.
		for (const type of ["pointerdown", "focusin", "keydown"]) {
			island.addEventListener(type, () => start(island), { once: true, passive: true });
		}
	}
})
