import { onBeforeUnmount } from 'vue';
import { notifyError } from '@/lib/notify';
import { platform } from '@/platform';
import { attachmentType, type DraftAttachment, MAX_ATTACHMENTS, refusal } from './attachments';
import { noticesApi } from './notices-api';

/**
 * Uploads the files picked in compose as soon as they are picked, into `owner.attachments` (the
 * notice then names them by id). A refused file says why and leaves the list; taking one off while
 * it uploads stops the upload.
 */
export function useAttachmentUploads(owner: { attachments: DraftAttachment[] }) {
  const uploads = new Map<number, AbortController>();
  let nextKey = 1;

  function add(files: readonly File[]): void {
    for (const file of files) {
      if (owner.attachments.length >= MAX_ATTACHMENTS) {
        platform().toast(`最多 ${MAX_ATTACHMENTS} 个附件`, 'fail');
        return;
      }
      const type = attachmentType(file);
      const refused = refusal(file);
      if (refused || !type) {
        platform().toast(refused ?? '不支持该文件类型', 'fail');
        continue;
      }
      const key = nextKey++;
      owner.attachments = [...owner.attachments, { key, filename: file.name, size: file.size, uploaded: null }];
      void upload(key, file, type);
    }
  }

  async function upload(key: number, file: File, type: string): Promise<void> {
    const controller = new AbortController();
    uploads.set(key, controller);
    try {
      const uploaded = await noticesApi.uploadAttachment(file, file.name, type, controller.signal);
      owner.attachments = owner.attachments.map((entry) => (entry.key === key ? { ...entry, uploaded } : entry));
    } catch (error) {
      if (controller.signal.aborted) return;
      owner.attachments = owner.attachments.filter((entry) => entry.key !== key);
      notifyError(error);
    } finally {
      uploads.delete(key);
    }
  }

  function remove(key: number): void {
    uploads.get(key)?.abort();
    owner.attachments = owner.attachments.filter((entry) => entry.key !== key);
  }

  onBeforeUnmount(() => {
    for (const controller of uploads.values()) controller.abort();
  });

  return { add, remove };
}
