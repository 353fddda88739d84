import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';

// Bearer-token sessions for the API.
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {}

// Username and password, checked by passport-local.
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {}
