// What @jupyterlab/services/lib/kernel/default.js takes from the package's index
// (`require("..")`): the index would bring sessions, contents, terminals, settings, the
// user and event managers into the bundle too (about 60 KB). build.mjs points that one
// require here and fails the build if default.js starts using another name of the index.
export { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
export { CommsOverSubshells } from '@jupyterlab/services/lib/kernel/comm';
