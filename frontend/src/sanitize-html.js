// A stand-in for the npm package sanitize-html, for the one call the page makes through it:
// @jupyter-widgets/base-manager's default_inline_sanitize (a widget description with
// description_allow_html=True). sanitize-html parses with htmlparser2 and postcss and
// carries the whole HTML entity table: about 250 KB of the bundle's 700 KB minified. The
// browser already has an HTML parser, so this parses in an inert document (DOMParser: no
// script runs, no image loads) and keeps only what the options allow, as sanitize-html
// does with its defaults:
//
// - a tag outside `allowedTags` is dropped and its content kept, except the content of
//   script, style, textarea, option and noscript, dropped with it; comments are dropped;
// - an attribute is kept only when `allowedAttributes` names it for the tag or for '*'
//   (a trailing '*' matches a prefix, as in 'aria-*');
// - href and src keep only relative URLs and the schemes http, https, ftp, mailto, tel.
//
// What comes back is the cleaned tree serialised by the browser, so every text is escaped.

const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'option', 'noscript']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'action', 'srcset', 'xlink:href']);
const SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'tel']);

function attributeAllowed(names, attribute) {
  return (names || []).some((name) =>
    name.endsWith('*') ? attribute.startsWith(name.slice(0, -1)) : name === attribute);
}

function urlAllowed(value) {
  // What the browser would resolve: control characters and spaces are ignored in a scheme.
  const url = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = url.match(/^([a-z][a-z0-9+.-]*):/i);
  return scheme === null || SCHEMES.has(scheme[1].toLowerCase());
}

function clean(node, tags, attributes) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 3) {
      continue; // text: escaped when serialised
    }
    if (child.nodeType !== 1) {
      child.remove(); // comments, processing instructions
      continue;
    }
    const tag = child.localName;
    if (!tags.has(tag) || child.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
      if (DROPPED_WITH_CONTENT.has(tag)) {
        child.remove();
      } else {
        clean(child, tags, attributes);
        child.replaceWith(...child.childNodes);
      }
      continue;
    }
    for (const { name, value } of [...child.attributes]) {
      const allowed = attributeAllowed(attributes[tag], name)
        || attributeAllowed(attributes['*'], name);
      if (!allowed || (URL_ATTRIBUTES.has(name) && !urlAllowed(value))) {
        child.removeAttribute(name);
      }
    }
    clean(child, tags, attributes);
  }
}

export default function sanitize(html, options = {}) {
  const tags = new Set(options.allowedTags || []);
  const attributes = options.allowedAttributes || {};
  const doc = new DOMParser().parseFromString('<!DOCTYPE html><body></body>', 'text/html');
  const template = doc.createElement('template');
  template.innerHTML = String(html ?? '');
  const root = doc.createElement('div');
  root.append(template.content);
  clean(root, tags, attributes);
  return root.innerHTML;
}
