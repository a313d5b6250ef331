// Images uploaded into a report (picture blocks): drawn from the project's image route with their
// caption and alt text (React text, never HTML); in the editor, the caption and alt text edited
// below the image; "+ Image" picks a file, and an image dropped or pasted onto the editor is
// uploaded too. The server checks the bytes (PNG, JPEG, GIF or WebP) and says why it refuses one.
import { type ChangeEvent, type ClipboardEvent, type DragEvent, type JSX, useCallback, useRef, useState } from "react";
import { imageUrl, type PictureBlock, reportsApi } from "../api";

export const IMAGE_TYPES = "image/png,image/jpeg,image/gif,image/webp";

export function PictureView({ project, block }: { project: string; block: PictureBlock }): JSX.Element {
  return (
    <figure className="rp-picture" data-testid="picture">
      <img
        src={imageUrl(project, block.blob)}
        alt={block.alt || block.caption || "image"}
        width={block.width}
        height={block.height}
        loading="lazy"
        data-testid="picture-img"
      />
      {block.caption ? <figcaption data-testid="picture-caption">{block.caption}</figcaption> : null}
    </figure>
  );
}

interface PictureEditorProps {
  project: string;
  block: PictureBlock;
  onChange: (block: PictureBlock) => void;
}

export function PictureEditor({ project, block, onChange }: PictureEditorProps): JSX.Element {
  return (
    <div className="rp-picture-editor">
      <PictureView project={project} block={block} />
      <div className="rp-picture-fields">
        <label>
          Caption
          <input value={block.caption ?? ""} maxLength={2000} onChange={(e) => onChange({ ...block, caption: e.target.value })} data-testid="picture-caption-input" />
        </label>
        <label>
          Alt text
          <input
            value={block.alt ?? ""}
            maxLength={1000}
            placeholder="What the image shows, for readers who cannot see it"
            onChange={(e) => onChange({ ...block, alt: e.target.value })}
            data-testid="picture-alt-input"
          />
        </label>
      </div>
    </div>
  );
}

export interface ImageUpload {
  busy: boolean;
  error: string | null;
  /** upload each image file, then add it as a block (in order) */
  upload: (files: readonly File[]) => Promise<void>;
  /** for the editor's drop and paste events, in the capture phase (before a text box takes
   * them): uploads the images they carry, and lets anything else through */
  onDrop: (event: DragEvent) => void;
  onDragOver: (event: DragEvent) => void;
  onPaste: (event: ClipboardEvent) => void;
}

/** Uploading images into `project`'s reports; `onAdded` gets each picture block. */
export function useImageUpload(project: string, onAdded: (block: PictureBlock) => void): ImageUpload {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const upload = useCallback(
    async (files: readonly File[]) => {
      if (files.length === 0) return;
      setBusy(true);
      setError(null);
      try {
        for (const file of files) {
          try {
            const stored = await reportsApi.uploadImage(project, file);
            onAdded({ kind: "picture", ...stored, caption: "", alt: "" });
          } catch (failure) {
            setError(`${file.name}: ${failure instanceof Error ? failure.message : String(failure)}`);
          }
        }
      } finally {
        setBusy(false);
      }
    },
    [project, onAdded],
  );
  const imagesOf = (list: FileList | null | undefined): File[] => Array.from(list ?? []).filter((f) => f.type.startsWith("image/"));
  return {
    busy,
    error,
    upload,
    onDragOver: (event) => {
      if (Array.from(event.dataTransfer.types).includes("Files")) event.preventDefault();
    },
    onDrop: (event) => {
      const files = imagesOf(event.dataTransfer.files);
      if (files.length === 0) return; // text drops into the text box as usual
      event.preventDefault();
      event.stopPropagation(); // a capture handler: CodeMirror would insert the file as text
      void upload(files);
    },
    onPaste: (event) => {
      const files = imagesOf(event.clipboardData.files);
      if (files.length === 0) return; // text pastes into the text box as usual
      event.preventDefault();
      event.stopPropagation();
      void upload(files);
    },
  };
}

/** "+ Image": a file picker for images; its error (the server's reason) is shown beside it. */
export function AddImageButton({ uploader }: { uploader: ImageUpload }): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    event.target.value = ""; // the same file can be picked again
    void uploader.upload(files);
  };
  return (
    <>
      <button type="button" className="button" onClick={() => input.current?.click()} disabled={uploader.busy} data-testid="add-image" title="Or drop or paste an image onto the report">
        {uploader.busy ? "Uploading…" : "+ Image"}
      </button>
      <input ref={input} type="file" accept={IMAGE_TYPES} multiple hidden onChange={picked} data-testid="add-image-input" />
      {uploader.error && (
        <span className="error-text small" role="alert" data-testid="image-error">
          {uploader.error}
        </span>
      )}
    </>
  );
}
