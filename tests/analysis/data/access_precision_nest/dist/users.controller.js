var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
import { Body, Controller, Post, Request } from '@nestjs/common';
import { UsersService } from './users.service.js';
let UsersController = class UsersController {
    users;
    constructor(users) {
        this.users = users;
    }
    // ruleid: NW510
    async verifyOtp(body) {
        return this.users.verifyOtp(body.username, body.code);
    }
    // ok: NW510
    async guestToken(req) {
        return this.users.guestToken(req.ip);
    }
    // ruleid: NW510
    async pinLogin(body) {
        return this.users.pinLogin(body.username, body.pin);
    }
};
__decorate([
    Post('otp/verify'),
    __param(0, Body())
], UsersController.prototype, "verifyOtp", null);
__decorate([
    Post('token/guest'),
    __param(0, Request())
], UsersController.prototype, "guestToken", null);
__decorate([
    Post('pin/login'),
    __param(0, Body())
], UsersController.prototype, "pinLogin", null);
UsersController = __decorate([
    Controller('users'),
    __metadata("design:paramtypes", [UsersService])
], UsersController);
export { UsersController };
