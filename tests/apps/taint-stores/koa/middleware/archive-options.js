const escapeHtml = require('escape-html');

// Reads the archive options once for the routes after it.
module.exports = async function archiveOptions(ctx, next) {
  ctx.state.folder = ctx.request.body.folder;
  ctx.state.format = 'gzip';
  ctx.state.label = escapeHtml(ctx.request.body.label || '');
  await next();
};
