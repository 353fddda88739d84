import { promises as fs } from 'fs';
import Koa from 'koa';
import Router from '@koa/router';
import { koaBody } from 'koa-body';

const first = (input: any) => (Array.isArray(input) ? input[0] : input);

export const uploads = new Router();

uploads.post('/documents', koaBody({ multipart: true }), async (ctx) => {
  const upload = first(ctx.request.files?.document || ctx.request.files?.upload);
  if (!upload) {
    ctx.throw(400, 'file is required');
  }
  const stored = upload.filepath || upload.path;
  // ok: NW114
  const content = await fs.readFile(stored);
  // ok: NW114
  await fs.unlink(stored);
  ctx.body = { size: content.length };
});

uploads.post('/documents/rename', koaBody(), async (ctx) => {
  const body = ctx.request.body as { from: string; to: string };
  // ruleid: NW114
  await fs.rename(`/srv/docs/${body.from}`, `/srv/docs/${body.to}`);
  ctx.status = 204;
});

const app = new Koa();
app.use(uploads.routes());
app.listen(4343);
