import express from 'express';
import request from 'supertest';
import { checkPermission } from '../src/controller';

// A harness app for the permission middleware: never deployed.
// ok: NW401
const app = express();
// ok: NW513
app.delete('/things/:id', checkPermission('NONE'), (req, res) => res.status(204).end());

it('lets NONE through', async () => {
  await request(app).delete('/things/1').expect(204);
});
