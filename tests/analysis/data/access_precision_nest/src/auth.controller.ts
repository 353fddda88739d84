import { Body, Controller, Headers, Post, Req, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { AuthService } from './auth.service';
import { JwtAuthGuard, LocalAuthGuard } from './guards';
import { LoginThrottlerGuard } from './login-throttler.guard';

class SignInDto {
  username!: string;
  password!: string;
}

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  // ruleid: NW510
  login(@Body() dto: SignInDto) {
    return this.auth.signIn(dto.username, dto.password);
  }

  @Post('anonymous')
  // ok: NW510
  anonymous(@Req() req: { protocol: string }) {
    return this.auth.anonymousToken(req.protocol === 'https');
  }

  @Post('session')
  // ok: NW510
  restore(@Headers('cookie') cookie: string) {
    return this.auth.restore(cookie);
  }

  @UseGuards(AuthGuard('jwt'))
  @Post('otp/activate')
  // ok: NW510
  activate(@Req() req: { user: { id: string } }, @Body() dto: { code: string }) {
    return this.auth.activateOtp(req.user.id, dto.code);
  }

  @UseGuards(AuthGuard('local'))
  @Post('token')
  // ruleid: NW510
  token(@Req() req: { user: { id: string } }) {
    return this.auth.issue(req.user.id);
  }

  @UseGuards(LoginThrottlerGuard)
  @Post('recover')
  // ok: NW510
  recover(@Body() dto: { email: string; code: string }) {
    return this.auth.activateOtp(dto.email, dto.code);
  }

  @UseGuards(JwtAuthGuard)
  @Post('password')
  // ok: NW510
  changePassword(@Req() req: { user: { id: string } }, @Body() dto: { current: string; next: string }) {
    return this.auth.activateOtp(req.user.id, dto.next);
  }

  @UseGuards(LocalAuthGuard)
  @Post('signin')
  // ruleid: NW510
  signIn(@Req() req: { user: { id: string } }) {
    return this.auth.issue(req.user.id);
  }
}
