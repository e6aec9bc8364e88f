// DOM helpers of the desk: elements built with createElement and textContent only — caller data is untrusted and
// never goes through innerHTML — and the page's words (handed over in data-words) with {placeholders} filled.

/** `el("li", {class: "x", "data-testid": "y"}, "text", childNode, ...)`: strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The page's words: `words.t("wrap_left", {s: 12})`; a missing key shows as itself so the gap is visible. */
export function wordsOf(root) {
  const table = JSON.parse(root.dataset.words || "{}");
  const lang = root.dataset.lang || "ko";
  return {
    lang,
    t(key, values = {}) {
      const text = table[key] ?? key;
      return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
    },
    /** A {ko, en} label in the page's language (English, then the code, when it lacks one). */
    label(labels, fallback = "") {
      if (!labels) return fallback;
      return labels[lang] || labels.en || labels.ko || fallback;
    },
  };
}

/** Whole seconds as "1:05" (or "1:02:03"). */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** Show or hide `node` (the `hidden` attribute; the style sheet makes it win over any display rule). */
export function show(node, visible) {
  node.hidden = !visible;
}
