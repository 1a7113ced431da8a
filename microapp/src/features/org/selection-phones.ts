import { orgApi } from './org-api';
import { mapLimited, type OrgSelection } from './org-selection';

/** Most people one selection is resolved to. */
export const PHONES_CAP = 2000;

export interface SelectionPhones {
  /** Distinct active people the selection reaches. */
  people: number;
  phones: string[];
  /** More people than `cap`: only the first `cap` were taken. */
  truncated: boolean;
}

/**
 * The phone numbers of everyone a selection reaches: each unit's own members, or its whole
 * subtree's when `includeSubUnits`, plus the people picked one by one. Disabled members are left out.
 */
export async function phonesOf(selection: OrgSelection, cap = PHONES_CAP): Promise<SelectionPhones> {
  const byMember = new Map<string, string>();
  let truncated = false;

  for (const unit of selection.units) {
    let cursor: string | null = null;
    do {
      const page = await orgApi.unitMembers(unit.id, unit.includeSubUnits, { cursor, limit: 200 });
      for (const member of page.items) {
        if (member.status !== 'active') continue;
        if (byMember.size >= cap && !byMember.has(member.id)) {
          truncated = true;
          break;
        }
        byMember.set(member.id, member.phone);
      }
      cursor = truncated ? null : page.nextCursor;
    } while (cursor);
    if (truncated) break;
  }

  const single = selection.members.filter((member) => !byMember.has(member.id));
  const cards = await mapLimited(single, 4, (member) => orgApi.member(member.id));
  for (const card of cards) {
    if (card.status !== 'active') continue;
    if (byMember.size >= cap) {
      truncated = true;
      break;
    }
    byMember.set(card.id, card.phone);
  }

  return { people: byMember.size, phones: [...new Set(byMember.values())], truncated };
}
