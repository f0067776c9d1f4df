/** The patient's key as this browser keeps it, loaded from IndexedDB. */
import { useCallback, useEffect, useState } from 'react';

import { loadKey, type StoredKey } from '../../key-store';

export interface PatientKeyState {
  /** undefined while loading; null when this browser holds no key for the patient. */
  readonly key: StoredKey | null | undefined;
  readonly error: unknown;
  readonly reload: () => void;
}

export function usePatientKey(patientDid: string): PatientKeyState {
  const [key, setKey] = useState<StoredKey | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    loadKey(patientDid).then(
      (k) => {
        if (live) setKey(k ?? null);
      },
      (err: unknown) => {
        if (live) setError(err);
      },
    );
    return () => {
      live = false;
    };
  }, [patientDid, generation]);
  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
  }, []);
  return { key, error, reload };
}
