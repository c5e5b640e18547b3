"""The script every lesson page carries (``bakhong.serving`` puts it in the page's head).

ipywidgets has no way to scroll the page, move the focus or set an input's ``inputmode``.
The widgets mark what they need with classes (``docs/css-classes.md``) and this script,
watching the page with a ``MutationObserver``, does it:

* ``bk-numeric`` / ``bk-otp`` on a text field (:func:`.phone.text_input`'s ``keypad``): the
  phone's number pad (``inputmode="numeric"``, ``pattern="[0-9]*"``); a code from an SMS
  also gets ``autocomplete="one-time-code"``, so the phone may offer to fill it in;
* ``bk-screen-start``, the hidden first part of a new screen (:meth:`.appview.AppView.show`)
  or of a hand-off between apps: the page scrolls to the top of the app, or to the
  screen's title when the app's top would leave the title below the fold, and the title
  (``h2.bk-title``) takes the focus, so a screen reader announces the new screen;
* a file upload (``widget-upload``) inside the phone: the file counter «(0)» ipywidgets
  writes after the label is taken off;
* a choice button (``widget-toggle-button``, e.g. ``bk-choices``): ``aria-pressed`` says
  which one is chosen (ipywidgets marks it with a class only).

Without the script (a notebook opened in JupyterLab) the apps work the same, with the
letter keyboard and without the scrolling.
"""

from __future__ import annotations

__all__ = ["SCRIPT"]

#: Plain ES5 (old phone browsers), no library; each part is idempotent, so it may run on
#: every change of the page.
SCRIPT = r"""(function () {
  var TRIES = 40;
  function keypads(root) {
    var inputs = root.querySelectorAll('.bk-numeric input, .bk-otp input');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.getAttribute('inputmode') === 'numeric') continue;
      input.setAttribute('inputmode', 'numeric');
      input.setAttribute('pattern', '[0-9]*');
      if (input.closest('.bk-otp')) input.setAttribute('autocomplete', 'one-time-code');
    }
  }
  function uploads(root) {
    var buttons = root.querySelectorAll('.bk-phone .widget-upload');
    for (var i = 0; i < buttons.length; i++) {
      var nodes = buttons[i].childNodes;
      for (var j = 0; j < nodes.length; j++) {
        if (nodes[j].nodeType !== 3) continue;
        var text = nodes[j].nodeValue, label = text.replace(/\s*\(\d+\)\s*$/, '');
        if (label !== text) nodes[j].nodeValue = label;
      }
    }
  }
  function toggles(root) {
    var buttons = root.querySelectorAll('.bk-phone .widget-toggle-button');
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].classList.contains('mod-active') ? 'true' : 'false';
      if (buttons[i].getAttribute('aria-pressed') !== on) {
        buttons[i].setAttribute('aria-pressed', on);
      }
    }
  }
  function titleAfter(marker, app) {
    var titles = app.querySelectorAll('h2.bk-title');
    for (var i = 0; i < titles.length; i++) {
      if (marker.compareDocumentPosition(titles[i]) & 4) return titles[i];
    }
    return null;
  }
  function screens(root) {
    var markers = root.querySelectorAll('.bk-screen-start:not([data-bk-done])');
    var again = false;
    for (var i = 0; i < markers.length; i++) {
      var marker = markers[i];
      var app = marker.closest('.bk-screen') || marker.closest('.bk-phone') || document.body;
      var title = titleAfter(marker, app);
      var tries = parseInt(marker.getAttribute('data-bk-tries') || '0', 10);
      if (!title && tries < TRIES) {  /* the title's widget is not drawn yet */
        marker.setAttribute('data-bk-tries', String(tries + 1));
        again = true;
        continue;
      }
      marker.setAttribute('data-bk-done', '1');
      app.scrollIntoView({block: 'start'});
      if (title) {
        if (title.getBoundingClientRect().bottom > window.innerHeight - 48) {
          title.scrollIntoView({block: 'start'});
        }
        title.setAttribute('tabindex', '-1');
        title.focus({preventScroll: true});
      }
    }
    if (again) later(50);
  }
  var waiting = false;
  function run() {
    waiting = false;
    keypads(document);
    uploads(document);
    toggles(document);
    screens(document);
  }
  function later(ms) {
    if (waiting) return;
    waiting = true;
    setTimeout(run, ms);
  }
  new MutationObserver(function () { later(30); }).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['class']});
})();"""
