import express, { Request, Response } from 'express';
import helmet from 'helmet';
import knex from 'knex';
import { awayIfAllowed, checkPermission, stamp } from './controller';
import { ops } from './legacy/routers';
import './legacy/jobs';

const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });
const app = express();
const router = express.Router();
app.use(helmet());
app.use(express.json({ limit: '100kb' }));

const tokens = {
  async transactional<T>(work: (service: any) => Promise<T>): Promise<T> {
    return work(db);
  },
};

// ok: NW513
router.delete('/projects/:id', checkPermission('DELETE_PROJECT'), async (req: Request, res: Response) => {
  await db('projects').where({ id: req.params.id }).del();
  res.status(204).end();
});

// ruleid: NW513
router.delete('/tags/:id', stamp(), async (req: Request, res: Response) => {
  await db('tags').where({ id: req.params.id }).del();
  res.status(204).end();
});

// ruleid: NW513
router.delete('/drafts/:id', awayIfAllowed, async (req: Request, res: Response) => {
  await db('drafts').where({ id: req.params.id }).del();
  res.status(204).end();
});

router.post('/flags/:name/tags', checkPermission('UPDATE_FLAG'), async (req: Request, res: Response) => {
  const name = req.params.name;
  await db('flag_tags').insert({ flag: name, tag: String(req.body.tag) });
  // ok: NW116
  res.status(201).header('location', `${name}/tags`).end();
});

router.get('/go', (req: Request, res: Response) => {
  // ruleid: NW116
  res.status(302).header('location', String(req.query.next)).end();
});

router.post('/tokens/revoke', checkPermission('DELETE_TOKEN'), async (req: any, res: Response) => {
  const selector = String(req.body.selector);
  // ok: NW513
  await tokens.transactional((service) => service.delete(selector, req.audit));
  res.status(204).end();
});

router.post('/users/known', checkPermission('READ_USERS'), async (req: Request, res: Response) => {
  const emails: string[] = (req.body.emails as string[]).map((e) => e.toLowerCase());
  // ok: NW112
  const rows = await db.select('email').from('users').whereRaw(`LOWER(email) IN (${emails.map(() => '?').join(',')})`, emails);
  res.json(rows);
});

router.post('/users/search', checkPermission('READ_USERS'), async (req: Request, res: Response) => {
  const emails: string[] = req.body.emails as string[];
  // ruleid: NW112
  const rows = await db.select('email').from('users').whereRaw(`LOWER(email) IN (${emails.map((e) => `'${e}'`).join(',')})`);
  res.json(rows);
});

router.get('/proxy/*', checkPermission('USE_PROXY'), async (req: Request, res: Response) => {
  // ok: NW115
  const upstream = await fetch(`${process.env.WORKER_URL}/api/${req.params[0]}?${req.originalUrl.split('?')[1] || ''}`);
  res.status(upstream.status).json(await upstream.json());
});

router.get('/mirror', checkPermission('USE_PROXY'), async (req: Request, res: Response) => {
  // ruleid: NW115
  const upstream = await fetch(`${req.query.origin}/api/status`);
  res.status(upstream.status).json(await upstream.json());
});

// ruleid: NW510
app.post('/auth/login', async (req: Request, res: Response) => {
  const user = await db('users').where({ name: String(req.body.name) }).first();
  res.json({ ok: Boolean(user) });
});

// ok: NW510
app.post('/auth/logout', (req: any, res: Response) => {
  req.session = null;
  res.status(204).end();
});

// ok: NW510
app.post('/auth/refresh', (req: any, res: Response) => {
  res.json({ token: req.session && req.session.next });
});

// `?fields=owner:team.name`: nested field paths grouped by their root, in a null-prototype map.
router.get('/fields', checkPermission('READ_FLAGS'), (req: Request, res: Response) => {
  const grouped = Object.create(null);
  const loose: Record<string, Record<string, string[]>> = {};
  for (const path of (req.query.fields as string).split(',')) {
    const [head, child] = path.split('.');
    const [root, scope] = head.split(':');
    if (!(root in grouped)) grouped[root] = { [scope]: [] };
    if (!(root in loose)) loose[root] = {};
    // ok: NW650
    grouped[root][scope] = [child];
    // ruleid: NW650
    loose[root][scope] = [child];
  }
  res.json({ grouped, loose });
});

// An options object carries a request key next to fixed column names: only the field a
// helper reads decides what reaches its query.
function orderClause(options: { columns: string[]; key: string }) {
  // ok: NW112
  return db.raw(`order by ${options.columns.join(', ')}`);
}

function keyClause(options: { columns: string[]; key: string }) {
  const { key } = options;
  // ruleid: NW112
  return db.raw(`where id = '${key}'`);
}

router.get('/rows/:key', checkPermission('READ_ROWS'), async (req: Request, res: Response) => {
  const options = { columns: ['name', 'created_at'], key: req.params.key };
  res.json({ order: await orderClause(options), where: await keyClause({ columns: [], key: req.params.key }) });
});

// An allow-list check kept in a variable for the branch below it.
const DEFAULT_FUNCTIONS = ['now()', 'gen_random_uuid()'];

router.post('/columns', checkPermission('EDIT_SCHEMA'), async (req: Request, res: Response) => {
  const fallback = req.body.default;
  const label = req.body.label;
  const isFunction = typeof fallback === 'string' && DEFAULT_FUNCTIONS.includes(fallback);
  if (isFunction) {
    // ok: NW112
    await db.raw(`alter table items alter column created set default ${fallback}`);
    // ruleid: NW112
    await db.raw(`comment on column items.created is '${label}'`);
  }
  res.status(204).end();
});

const preferences: Record<string, Record<string, unknown>> = { ui: {}, mail: {} };
const SECTIONS = ['ui', 'mail'];

// Path parameters are strings, and `'__proto__'` is a string: the classic key-path pollution.
router.put('/prefs/:section/:key', checkPermission('EDIT_PREFS'), (req: Request, res: Response) => {
  // ruleid: NW650
  preferences[req.params.section][req.params.key] = req.body.value;
  res.json(preferences);
});

router.put('/prefs', checkPermission('EDIT_PREFS'), (req: Request, res: Response) => {
  // ruleid: NW650
  preferences[String(req.body.section)][String(req.body.key)] = req.body.value;
  res.json(preferences);
});

router.put('/prefs/:section', checkPermission('EDIT_PREFS'), (req: Request, res: Response) => {
  const section = req.params.section;
  if (!SECTIONS.includes(section)) {
    return res.status(404).end();
  }
  // ok: NW650
  preferences[section][String(req.body.key).replace(/[^a-z]/g, '')] = req.body.value;
  return res.json(preferences);
});

app.use('/api/admin', router);
app.use('/ops', ops);
app.use((err: Error, req: Request, res: Response, next: (e?: unknown) => void) => {
  res.status(500).json({ error: 'internal' });
});
app.disable('x-powered-by');
app.listen(4242);
