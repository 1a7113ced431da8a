import type { MemberSummary, ReceiptView } from '@lianxin/shared';

/** A receipt's member as list rows show people: title, and the unit the notice reached them in. */
export function receiptMember(receipt: ReceiptView): MemberSummary {
  return { ...receipt.member, status: 'active', primaryUnit: receipt.unit, isHead: false };
}
