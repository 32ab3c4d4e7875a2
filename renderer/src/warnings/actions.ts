/** What can be done to a warning from its detail pane (each gated by WarningDetail.allowed, exportCap for all staff). */
export type WarningAction = 'edit' | 'submit' | 'approve' | 'reject' | 'release' | 'breakGlass' | 'cancel' | 'update' | 'exportCap';

/** The actions that ask for a written reason. */
export type ReasonKind = 'reject' | 'cancel' | 'breakGlass';
