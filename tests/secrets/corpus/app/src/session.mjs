import session from 'express-session';
import cookieParser from 'cookie-parser';
import * as tokens from 'jsonwebtoken';
import express from 'express';

const app = express();
app.use(cookieParser(`cookie-key-${process.env.COOKIE_SUFFIX}`));
app.use(cookieParser('cookie-key-4471'));
app.use(session({ secret: "s3ss10n-k3y-2024", resave: false }));

export function mint(payload) {
  return tokens.sign(payload, 'esm-jwt-key-8812');
}
