import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

// Throttles sign-in attempts per client address and account.
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected async getTracker(req: { ip: string; body?: { email?: string } }): Promise<string> {
    return `${req.ip}|${req.body?.email ?? ''}`;
  }
}
