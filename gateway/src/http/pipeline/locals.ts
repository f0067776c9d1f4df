/** What the pipeline's stages keep about a request on `res.locals`, for the access log and error bodies. */
import type { Response } from 'express';

import type { Principal } from '../../auth/tokens';
import type { WriteJournal } from '../../write-journal';

/** The request's state shared by the stages. */
export interface RequestLocals {
  requestId: string;
  /** The route template that matched (`unmatched` until one does). */
  route: string;
  principal?: Principal;
  /** The request's write journal, once it has one (its transaction ids go to the access log). */
  journal?: WriteJournal;
}

/** The locals of `res`. */
export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}
