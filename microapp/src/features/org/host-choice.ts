import type { UnitNode } from '@lianxin/shared';
import type { HostContactChoice } from '@/platform';
import { orgApi } from './org-api';
import { mapLimited, type PickedMember } from './org-selection';

export interface MatchedChoice {
  units: Array<{ id: string; name: string }>;
  members: PickedMember[];
  /** Names DingTalk returned that are not (or not visibly to the caller) in our directory. */
  unmatched: string[];
}

/**
 * Finds our members and units behind what DingTalk's picker returned. There is no lookup by
 * DingTalk id in the API, so each person is searched by name and confirmed by the DingTalk userid
 * on their card, and each department is looked for by name in the visible tree and confirmed by
 * its DingTalk dept id. Nothing is matched by name alone.
 */
export async function matchHostChoice(choice: HostContactChoice): Promise<MatchedChoice> {
  const unmatched: string[] = [];

  const members = await mapLimited(choice.users, 4, async (user): Promise<PickedMember | null> => {
    const page = await orgApi.searchMembers({ q: user.name, limit: 50 });
    const namesakes = page.items.filter((item) => item.name === user.name);
    for (const candidate of namesakes) {
      const card = await orgApi.member(candidate.id);
      if (card.dingtalkUserId === user.dingtalkUserId) return { id: card.id, name: card.name };
    }
    unmatched.push(user.name);
    return null;
  });

  let tree: UnitNode[] = [];
  if (choice.departments.length > 0) tree = await orgApi.allUnits();
  const units = await mapLimited(choice.departments, 4, async (dept): Promise<{ id: string; name: string } | null> => {
    for (const candidate of tree.filter((node) => node.name === dept.name)) {
      const unit = await orgApi.unit(candidate.id);
      if (unit.dingtalkDeptId === dept.dingtalkDeptId) return { id: unit.id, name: unit.name };
    }
    unmatched.push(dept.name);
    return null;
  });

  return {
    units: units.filter((unit) => unit !== null),
    members: members.filter((member) => member !== null),
    unmatched,
  };
}
