// The C side of arrays.vale's externs. Headers: `vale-ffi header examples/fleet --project fleet --out build`.
#include <stdint.h>
#include "fleet/cSumCrew_vasp.h"
#include "fleet/cFirstOfTriple.h"
#include "fleet/cFill.h"
#include "fleet/Spaceship.h"

// A `_vasp` extern gets each message's size after its parameters.
int64_t fleet_cSumCrew_vasp(fleet_ImmSpaceshipArray* ships, ValeInt shipsSize) {
  (void)shipsSize;
  int64_t total = 0;
  for (uint32_t i = 0; i < ships->length; i++) total += ships->elements[i]->crew;
  return total;
}

int32_t fleet_cFirstOfTriple(fleet_IntTriple* triple) { return triple->elements[0]; }

// A mutable array crosses as a universal reference: C can hold it, not read it.
void fleet_cFill(fleet_MutIntArrayRef arr, int32_t value) {
  (void)arr;
  (void)value;
}
