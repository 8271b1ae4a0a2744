import { Module } from '@nestjs/common';
import { IncidentsController } from './incidents.controller';
import { OnCallController } from './oncall.controller';

/** Incidents, incident command and on-call rotations (RUNTIME comes from the global core module). */
@Module({ controllers: [IncidentsController, OnCallController] })
export class IncidentsModule {}
