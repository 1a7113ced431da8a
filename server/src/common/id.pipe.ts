import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import { DomainError } from './domain-error.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route ids are uuids; anything else is a 400 naming the parameter, never a database error. */
@Injectable()
export class IdPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      const name = meta.data ?? 'id';
      throw new DomainError(ErrorCode.ValidationFailed, `${name} 不是有效的 id`, [{ path: name, message: '不是有效的 id' }]);
    }
    return value.toLowerCase();
  }
}
