// The C side of fleet.vale's cReportFleet. Headers: `vale-ffi header examples --project fleet --out build`.
#include <stdint.h>
#include <stdio.h>
#include "fleet/cReportFleet.h"
#include "fleet/cFlagship.h"

// What cReportFleet printed for one call, kept to look at later. Hover the value to decode it:
//   cReportFleet fleet=0x0000005100000007007f12a4003a800000000040412007f12a40030000080000
void fleet_cReportFleet(fleet_FleetRef fleet) {
  printf("cReportFleet fleet=0x%08x%08x%016llx%016llx%016llx\n", fleet.unused4, fleet.unused3,
         (unsigned long long)fleet.unused2, (unsigned long long)fleet.unused1, (unsigned long long)fleet.unused0);
}

// The same reference as the five words of the struct, as a test would spell it.
static const fleet_FleetRef kLastReported = {0x2a40030000080000, 0x40412007f1, 0x7f12a4003a8000, 0x7, 0x51};

// The flagship is returned as a message the C side would build (vale-ffi message shows its layout); none here.
fleet_Spaceship* fleet_cFlagship(fleet_FleetRef fleet) {
  (void)fleet;
  return NULL;
}
