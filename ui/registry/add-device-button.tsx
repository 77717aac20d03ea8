import { PORTAL_PAGES } from "../../protocol/index.ts";

/** AddDeviceButton leads to making a claim code: every empty fleet and the public page end with it. */
export function AddDeviceButton(): JSX.Element {
  return (
    <a class="button primary" href={PORTAL_PAGES.addDevice}>
      Add a device
    </a>
  );
}
