const fastify = require('fastify')({ logger: true });
const orders = require('./plugins/orders');

async function verifyUser(request, reply) {
  if (!request.headers.authorization) {
    return reply.code(401).send({ error: 'unauthorized' });
  }
}

fastify.get('/ping', async () => ({ pong: true }));

fastify.route({
  method: 'POST',
  url: '/login',
  handler: async (request) => ({ user: request.body.user }),
});

fastify.post('/orders/:id/cancel', { preHandler: [verifyUser] }, async (request, reply) => {
  reply.code(204);
});

fastify.register(orders, { prefix: '/v1' });

fastify.listen({ port: 3000 });
