# Flash: make targets for the `messaging` service, delegating to arc (included by the root
# Makefile). ARC and RUNTIME come from there.
.PHONY: flash-up flash-down flash-health flash-logs flash-build

flash-up: $(ARC)
	$(ARC) --runtime $(RUNTIME) up flash

flash-down: $(ARC)
	$(ARC) --runtime $(RUNTIME) down flash

flash-health: $(ARC)
	$(ARC) --runtime $(RUNTIME) health flash

flash-logs: $(ARC)
	$(ARC) --runtime $(RUNTIME) logs flash --tail 100

# The thin image, from the compose file arc generates (`arc compose export --write`).
flash-build:
	docker-compose -f services/messaging/docker-compose.yml build
