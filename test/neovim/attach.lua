-- Neovim (0.7+) as a third-party LSP client: attach the bundled server to a
-- Vale buffer, wait for diagnostics, ask for a hover, write what came back.
local env = function(name) return (assert(os.getenv(name), name .. ' is not set')) end
local client_id = vim.lsp.start_client({
  name = 'vale-ffi',
  cmd = { env('VALE_FFI_NODE'), env('VALE_FFI_SERVER'), '--stdio' },
  root_dir = env('VALE_FFI_ROOT'),
  init_options = { projectName = 'nv' },
})
vim.cmd('edit ' .. env('VALE_FFI_FILE'))
local bufnr = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(bufnr, client_id)
local got = vim.wait(20000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
  table.insert(diagnostics, { code = code, line = d.lnum, col = d.col, message = d.message })
end
local position = { line = tonumber(env('VALE_FFI_LINE')), character = tonumber(env('VALE_FFI_COL')) }
local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = position }, 10000)
local hover = ''
for _, r in pairs(responses or {}) do
  if r.result and r.result.contents then hover = r.result.contents.value or '' end
end
local out = io.open(env('VALE_FFI_OUT'), 'w')
out:write(vim.fn.json_encode({ attached = got, diagnostics = diagnostics, hover = hover }))
out:close()
vim.lsp.stop_client(client_id)
vim.cmd('qa!')
