// The learner page's front-end: one kernel connection, the core widget views, nothing else.
//
// Voila renders the lesson with bakhong's template (bakhong/page/voila/templates/bakhong),
// which leaves a placeholder per widget view (<div data-bk-view="MODEL_ID">) and the
// kernel's id in <script id="bk-page-config">. This script connects to that kernel over
// Jupyter's websocket (/api/kernels/ID/channels), asks the kernel for every widget's
// state at once (ipywidgets' "jupyter.widget.control" comm, as Voila's own front-end does)
// and draws each view into its placeholder. No JupyterLab application, no rendermime, no
// Output widget, no ipywidgets 7: the lessons use the core controls only. Freeing the
// kernel when the page is left is the page's head script's (bakhong/serving.py,
// _KERNEL_SCRIPT), for this page and Voila's alike.
import * as base from '@jupyter-widgets/base';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as controls from '@jupyter-widgets/controls';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { Widget } from '@lumino/widgets';

import '@lumino/widgets/style/index.css';
import '@jupyter-widgets/controls/css/labvariables.css';
import '@jupyter-widgets/controls/css/widgets-base.css';
import './page.css';
import 'bakhong:icons.css';

import sanitize from 'sanitize-html';

const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
};

/** ManagerBase over a live kernel, as @jupyter-widgets/html-manager's HTMLManager is over a
 *  saved state: the same display_view, with comms from the kernel connection. */
export class PageManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module === undefined || module[className] === undefined) {
      throw new Error(`${moduleName}@${moduleVersion} ${className} is not on this page`);
    }
    return module[className];
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  async display_view(view, el) {
    const shown = await view;
    Widget.attach(shown.luminoWidget, el);
    return shown;
  }
}

function config() {
  const found = document.getElementById('bk-page-config');
  return JSON.parse(found ? found.textContent : '{}');
}

function say(text) {
  const status = document.getElementById('bk-page-status');
  if (status) {
    status.textContent = text;
    status.hidden = !text;
  }
}

async function showViews(manager) {
  const places = [...document.querySelectorAll('[data-bk-view]')];
  await Promise.all(places.map(async (place) => {
    const model = await manager.get_model(place.dataset.bkView);
    place.textContent = '';
    await manager.display_view(manager.create_view(model), place);
  }));
}

/** Resolves once the whole page is parsed: every cell's output is in, so every widget of
 *  the page exists in the kernel. */
function parsed() {
  if (document.readyState !== 'loading') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    document.addEventListener('DOMContentLoaded', resolve, { once: true });
  });
}

// The script is loaded `async`: it runs while Voila still streams the page (the kernel is
// drawing the learner's app), connects to the kernel at once, and asks for the widgets'
// state when the page is complete. The phone parses this script while the laptop works.
async function start() {
  performance.mark('bk-start');
  let page = config();
  if (!page.kernelId) {
    await parsed();
    page = config();
    if (!page.kernelId) {
      return;
    }
  }
  const baseUrl = new URL(page.baseUrl || '/', window.location.href).href;
  const serverSettings = ServerConnection.makeSettings({ baseUrl, appendToken: false });
  const kernel = new KernelConnection({
    model: { id: page.kernelId, name: page.kernelName || '' },
    serverSettings,
    handleComms: true,
    // Voila passes comm messages only: no subshell requests (JupyterLab 4.6's default)
    commsOverSubshells: 'disabled',
  });
  const manager = new PageManager(kernel);
  window.bakhongPage = { manager, kernel };
  try {
    await parsed();
    performance.mark('bk-parsed');
    await manager._loadFromKernel();
    performance.mark('bk-states');
    await showViews(manager);
    performance.mark('bk-views');
    say('');
    document.documentElement.classList.add('bk-page-ready');
  } catch (error) {
    console.error(error);
    say(page.brokenText || 'Trang chưa tải xong. Hãy tải lại trang.');
  }
  kernel.connectionStatusChanged.connect((_kernel, status) => {
    if (status === 'disconnected') {
      say(page.lostText || 'Mất kết nối với máy của lớp học. Hãy tải lại trang.');
    }
  });
}

// for the browser suite: the sanitizer that stands in for sanitize-html (src/sanitize-html.js)
window.bakhongSanitize = (html, options) => sanitize(html, options);
start();
