// The lldb-dap debug type, served by Debian's lldb-dap-19 (VALE_FFI_LLDB_DAP overrides the path).
const vscode = require('vscode');

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('lldb-dap', {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterExecutable(process.env.VALE_FFI_LLDB_DAP || 'lldb-dap-19', []),
    }),
  );
};
