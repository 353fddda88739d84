export class AuthService {
  signIn(username: string, password: string) { return { username, ok: password.length > 0 }; }
  anonymousToken(secure: boolean) { return { secure }; }
  restore(cookie: string) { return { cookie: cookie.length }; }
  activateOtp(id: string, code: string) { return { id, code }; }
  issue(id: string) { return { id }; }
}
