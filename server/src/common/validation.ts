import { ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@lianxin/shared';
import { DomainError } from './domain-error.js';
import { fieldErrors } from './problem.filter.js';

/** The one input pipe: unknown fields are refused, types converted, every fault listed. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const list = fieldErrors(errors);
      return new DomainError(ErrorCode.ValidationFailed, list.map((e) => `${e.path}: ${e.message}`).join('; ') || '请求参数有误', list);
    },
  });
}
