import { ForbiddenException } from '@nestjs/common';
export class AdminGuard {
    canActivate(context) {
        const request = context.switchToHttp().getRequest();
        if (!request.user || !request.user.admin) {
            throw new ForbiddenException();
        }
        return true;
    }
}
