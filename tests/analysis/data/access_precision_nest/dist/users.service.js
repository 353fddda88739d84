var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
import { HttpException, Injectable } from '@nestjs/common';
let UsersService = class UsersService {
    failures = new Map();
    async verifyOtp(username, code) {
        return { username, ok: code === '000000' };
    }
    async pinLogin(username, pin) {
        this.checkFailures(username);
        return { username, ok: pin === '0000' };
    }
    checkFailures(username) {
        if ((this.failures.get(username) || 0) > 3) {
            throw new HttpException('Locked, try again later', 429);
        }
    }
};
UsersService = __decorate([
    Injectable()
], UsersService);
export { UsersService };
