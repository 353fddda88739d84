"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.OrdersController = void 0;
const child_process_1 = require("child_process");
const promises_1 = require("fs/promises");
const path_1 = require("path");
const common_1 = require("@nestjs/common");
const ORDER_ID = 'orderId';
class SearchDto {
}
let OrdersController = class OrdersController {
    notify(email) {
        // ruleid: NW110
        (0, child_process_1.exec)(`send-receipt --to ${email}`);
        return { queued: true };
    }
    async invoice(file) {
        // ruleid: NW114
        return (0, promises_1.readFile)((0, path_1.join)('/srv/invoices', file), 'utf8');
    }
    print(id) {
        // ruleid: NW110
        (0, child_process_1.exec)('lp /srv/orders/' + id + '.pdf');
        return { printing: id };
    }
    back(referer, res) {
        // ruleid: NW116
        res.redirect(referer);
    }
    archive(dto) {
        // ruleid: NW110
        (0, child_process_1.exec)(`tar czf /srv/archive/${dto.name}.tgz /srv/orders`);
        return { archived: dto.name };
    }
    search(q) {
        // ruleid: NW110
        (0, child_process_1.exec)(`grep -rl ${q.term} /srv/orders`);
        return [];
    }
    label(orderId) {
        // ruleid: NW110
        (0, child_process_1.exec)(`print-label ${orderId}`);
        return { printed: orderId };
    }
    reprint(n) {
        // ok: NW110
        (0, child_process_1.exec)(`lp -n ${n} /srv/orders/last.pdf`);
        return { copies: n };
    }
};
exports.OrdersController = OrdersController;
__decorate([
    (0, common_1.Post)('notify'),
    __param(0, (0, common_1.Body)('email')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "notify", null);
__decorate([
    (0, common_1.Get)('invoice'),
    __param(0, (0, common_1.Query)('file')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", Promise)
], OrdersController.prototype, "invoice", null);
__decorate([
    (0, common_1.Get)(':id/print'),
    __param(0, (0, common_1.Param)('id')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "print", null);
__decorate([
    (0, common_1.Get)('back'),
    __param(0, (0, common_1.Headers)('referer')),
    __param(1, (0, common_1.Res)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "back", null);
__decorate([
    (0, common_1.Post)('archive'),
    __param(0, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "archive", null);
__decorate([
    (0, common_1.Get)('search'),
    __param(0, (0, common_1.Query)(new common_1.ValidationPipe({ transform: true }))),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [SearchDto]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "search", null);
__decorate([
    (0, common_1.Post)(':orderId/label'),
    __param(0, (0, common_1.Param)(ORDER_ID)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "label", null);
__decorate([
    (0, common_1.Post)(':n/reprint'),
    __param(0, (0, common_1.Param)('n', common_1.ParseIntPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Number]),
    __metadata("design:returntype", void 0)
], OrdersController.prototype, "reprint", null);
exports.OrdersController = OrdersController = __decorate([
    (0, common_1.Controller)('orders')
], OrdersController);
