// TypeORM 1.x + sql.js with logging:"all": INSERT/UPDATE parameters include stored credentials; unique-constraint QueryFailedError
const { DataSource, EntitySchema } = require('typeorm');
const { sets } = require('./common');
const Cred = new EntitySchema({ name: 'Credential', tableName: 'credentials', columns: {
  id: { type: Number, primary: true, generated: true }, owner: { type: String }, provider: { type: String, unique: true },
  apiKey: { type: String }, secret: { type: String, nullable: true }, connectionString: { type: String, nullable: true } } });
const User = new EntitySchema({ name: 'User', tableName: 'users', columns: {
  id: { type: Number, primary: true, generated: true }, email: { type: String }, password: { type: String }, resetToken: { type: String, nullable: true } } });
(async () => {
  const ds = new DataSource({ type: 'sqljs', entities: [Cred, User], synchronize: true, logging: 'all', maxQueryExecutionTime: 0 });
  await ds.initialize();
  const repo = ds.getRepository('Credential'), users = ds.getRepository('User');
  for (const s of sets.slice(0, 6)) {
    await repo.save({ owner: s.user, provider: 'stripe-' + s.idx, apiKey: s.stripe, secret: s.webhookSecret });
    await repo.save({ owner: s.user, provider: 'mongo-' + s.idx, apiKey: s.mongoUser, connectionString: s.mongoUri });
    await repo.save({ owner: s.user, provider: 'aws-' + s.idx, apiKey: s.awsKeyId, secret: s.awsSecret });
    const u = await users.save({ email: s.user + '@example.com', password: s.password });
    await users.update({ id: u.id }, { resetToken: s.opaque });
    await users.findOneBy({ resetToken: s.opaque });
    try { await repo.insert({ owner: s.user, provider: 'stripe-' + s.idx, apiKey: s.stripeTest }); }
    catch (e) { console.error('save failed:', e); }
  }
  await ds.destroy();
})();
