// NestJS (no TS: decorators applied by hand) - Logger, ValidationPipe errors, global exception filter logging request
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module, Controller, Post, Get, Body, Req, Headers, Logger, ValidationPipe, Catch, HttpException, UnauthorizedException } from '@nestjs/common';
import { IsString, IsEmail, MinLength, IsUrl } from 'class-validator';
import { createRequire } from 'module';
const require = createRequire(import.meta.url);
const { sets } = require('./common.js');
class SignupDto {} IsEmail()(SignupDto.prototype, 'email'); MinLength(40)(SignupDto.prototype, 'password'); IsString()(SignupDto.prototype, 'apiKey'); IsUrl()(SignupDto.prototype, 'dbUrl');
class AuthController {
  logger = new Logger('AuthController');
  signup(dto) { this.logger.log(`signup ok ${JSON.stringify(dto)}`); return { ok: true }; }
  token(body, auth) { this.logger.debug(`token request auth=${auth} body=${JSON.stringify(body)}`); throw new UnauthorizedException({ message: 'refresh token revoked', refresh_token: body.refresh_token }); }
}
const d = (n) => Object.getOwnPropertyDescriptor(AuthController.prototype, n);
Controller('auth')(AuthController);
Post('signup')(AuthController.prototype, 'signup', d('signup')); Body()(AuthController.prototype, 'signup', 0);
Reflect.defineMetadata('design:paramtypes', [SignupDto], AuthController.prototype, 'signup');
Post('token')(AuthController.prototype, 'token', d('token')); Body()(AuthController.prototype, 'token', 0); Headers('authorization')(AuthController.prototype, 'token', 1);
Reflect.defineMetadata('design:paramtypes', [Object, String], AuthController.prototype, 'token');
class AllExceptionsFilter { logger = new Logger('ExceptionFilter');
  catch(exception, host) { const ctx = host.switchToHttp(); const req = ctx.getRequest(), res = ctx.getResponse();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    this.logger.error(`${req.method} ${req.url} ${status} headers=${JSON.stringify(req.headers)}`, exception.stack);
    this.logger.warn({ body: req.body, response: exception.getResponse ? exception.getResponse() : null });
    res.status(status).json(exception.getResponse ? exception.getResponse() : { statusCode: 500 }); } }
Catch()(AllExceptionsFilter);
class AppModule {} Module({ controllers: [AuthController] })(AppModule);
const app = await NestFactory.create(AppModule, { logger: ['log', 'error', 'warn', 'debug', 'verbose'] });
app.useGlobalPipes(new ValidationPipe({ validationError: { target: true, value: true } }));
app.useGlobalFilters(new AllExceptionsFilter());
await app.listen(0, '127.0.0.1');
const base = await app.getUrl();
for (const s of sets.slice(0, 6)) {
  await fetch(base + '/auth/signup', { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'connect.sid=' + encodeURIComponent(s.sessionCookie) }, body: JSON.stringify({ email: s.user + '@example.com', password: s.password, apiKey: s.sendgrid, dbUrl: s.mongoUri }) });
  await fetch(base + '/auth/token', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(s.oauthClientId + ':' + s.oauthClientSecret).toString('base64') }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: s.refreshToken }) });
}
await app.close();
