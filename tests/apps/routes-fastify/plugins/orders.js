module.exports = async function orders(app, opts) {
  app.get('/orders', async () => []);

  app.delete('/orders/:id', async (request, reply) => {
    reply.code(204);
  });
};
