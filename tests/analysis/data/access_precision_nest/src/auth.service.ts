import { HttpException, HttpStatus } from '@nestjs/common';

export class AuthService {
  private readonly failures = new Map<string, number>();

  signIn(username: string, password: string) {
    this.assertNotLocked(username);
    return { username, ok: password.length > 0 };
  }

  private assertNotLocked(username: string) {
    if ((this.failures.get(username) ?? 0) >= 5) {
      throw new HttpException('Too many failed attempts', HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  anonymousToken(secure: boolean) { return { secure }; }
  restore(cookie: string) { return { cookie: cookie.length }; }
  activateOtp(id: string, code: string) { return { id, code }; }
  issue(id: string) { return { id }; }
}
